import pytest
from django.test import Client


@pytest.mark.django_db
def test_login_page_is_dutch():
    response = Client().get("/login/")
    assert response.status_code == 200
    assert '<html lang="nl">' in response.content.decode()


def test_home_for_verified_kinderwerker(kinderwerker_a, client_for, child_a):
    response = client_for(kinderwerker_a).get("/")
    assert response.status_code == 200
    assert response.context["children_in_care"] == 1
