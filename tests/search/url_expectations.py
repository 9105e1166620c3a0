from tests.url_matrix import everyone_logged_in, only

EXPECTATIONS = {
    "search": everyone_logged_in(data={"q": "xw"}),
    "work-report": only("leader", "proposal_officer", "opinion_officer", "consultation_officer", "member_officer",
                        data={"year": "2023"}),
}
