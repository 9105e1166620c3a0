from tests.url_matrix import only

EXPECTATIONS = {
    "opinions:report-list": only("member", "correspondent"),
}
