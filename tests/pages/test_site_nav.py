"""The main menus are rendered once per role, language and page and kept: each page still
marks its own link, each role still sees only its menus, each language its words, and nothing
of the signed-in person is kept with them."""

from __future__ import annotations

import re


def _current_links(html: str) -> list[str]:
    nav = html[html.index('<nav class="site-nav"'):html.index("</nav>")]
    return re.findall(r'<a href="([^"]+)" aria-current="page"', nav)


def test_each_page_marks_its_own_link_each_role_its_menus(client, login_as):
    login_as("technician", display_name="Technicienne Une")
    devices = client.get("/devices").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert _current_links(devices) == ["/devices"]
    assert _current_links(home) == ["/"]
    assert "/devices" in home and "Technicienne Une" in home
    # Again, from what was kept: the same answer.
    assert _current_links(client.get("/devices").get_data(as_text=True)) == ["/devices"]

    login_as("donor", display_name="Donateur Deux")
    portal = client.get("/portal/").get_data(as_text=True)
    nav = portal[portal.index('<nav class="site-nav"'):portal.index("</nav>")]
    assert 'href="/devices"' not in nav
    assert "Technicienne Une" not in portal and "Donateur Deux" in portal


def test_each_language_its_own_menus(client, login_as):
    login_as("technician", locale="fr")
    french = client.get("/devices").get_data(as_text=True)
    login_as("technician", locale="en")
    english = client.get("/devices").get_data(as_text=True)
    assert '<html lang="fr">' in french and '<html lang="en">' in english
    assert 'aria-label="Navigation principale"' in french
    assert 'aria-label="Main navigation"' in english
    assert ">Devices</a>" in english and ">Appareils</a>" in french
