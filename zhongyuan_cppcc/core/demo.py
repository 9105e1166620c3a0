"""Demo accounts, one per role (DESIGN.md §1). Never in production (DEMO_ACCOUNTS_ALLOWED)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from zhongyuan_cppcc.accounts.roles import Role

# username -> (full name, role, e-mail)
DEMO_ACCOUNTS: dict[str, tuple[str, Role]] = {
    "demo-member": ("王明远", Role.MEMBER),
    "demo-correspondent": ("李思琪", Role.CORRESPONDENT),
    "demo-handler": ("赵建国", Role.HANDLER),
    "demo-proposal-officer": ("陈雅静", Role.PROPOSAL_OFFICER),
    "demo-opinion-officer": ("刘晓东", Role.OPINION_OFFICER),
    "demo-consultation-officer": ("孙丽华", Role.CONSULTATION_OFFICER),
    "demo-member-officer": ("周文博", Role.MEMBER_OFFICER),
    "demo-leader": ("吴振华", Role.LEADER),
    "demo-sysadmin": ("郑海涛", Role.SYSADMIN),
    "demo-secadmin": ("冯志强", Role.SECADMIN),
    "demo-auditor": ("钱慧敏", Role.AUDITOR),
}


def demo_user(username: str):
    return get_user_model().objects.get(username=username)


def load(*, stdout=None) -> None:
    """Create the demo accounts that are missing; existing ones are left as they are."""
    User = get_user_model()
    for username, (full_name, role) in DEMO_ACCOUNTS.items():
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username, full_name=full_name,
                    email=f"{username}@demo.zycppcc.local")
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=role.value))
