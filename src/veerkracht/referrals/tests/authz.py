"""This app's rows of the authorization matrix (see veerkracht.testing.authz)."""

from veerkracht.testing.authz import PATHWAY_EDITORS, protected

MATRIX: dict[str, dict[str, str]] = {
    "referrals:list": protected(PATHWAY_EDITORS, object_page=True),
    "referrals:detail": protected(PATHWAY_EDITORS, object_page=True),
}
WRITE_URLS: list[str] = ["referrals:list", "referrals:detail"]


def objects(base):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from veerkracht.accounts.roles import Role
    from veerkracht.referrals.services import do_create_referral

    referral = do_create_referral(base["pathway"], kind="youth_care", to_whom="Jeugdhulp Midden",
                                  sent_on=timezone.localdate(), actor=base["users"][Role.MENTOR])
    return {"referrals:list": base["pathway"], "referrals:detail": referral}
