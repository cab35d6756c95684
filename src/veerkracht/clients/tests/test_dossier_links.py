from veerkracht.accounts.roles import Role


def test_privacy_page_is_linked_from_the_dossier_for_those_who_may_use_it(org_a, staff, client_for, child_a):
    url = f"/privacy/client/{child_a.pk}/"
    for role, linked in ((Role.TEAMLEIDER, True), (Role.GEDRAGSWETENSCHAPPER, True), (Role.KINDERWERKER, False)):
        user = staff(role, org_a, username=f"link_{role}")
        page = client_for(user).get(f"/clients/{child_a.pk}/").content.decode()
        assert (url in page) is linked, role
