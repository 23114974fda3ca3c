"""GUI test of tke, the TKE application: the key ceremony of seed 003 through the five
tabs, on the virtual card deck and the local service instance, asserting after each step
what the tables show.  Run by tests/gui/gui-runner.py, which sets up Xvfb, D-Bus, AT-SPI
and a temporary deck and workstation, and imports this module after it did.

This script runs the ceremony with key files (seed 002's approach, chosen in the Key
files menu) through every button and menu of the five tabs; test-tke-cards.py runs it
with smart cards, as seed 003 does.
Each tab is saved as a screenshot (tke-*.png) for docs/tke-guide.md.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from tke_steps import *  # noqa: E402,F401,F403  (the shared steps of the tke GUI tests)


# ---- cases --------------------------------------------------------------------------


def test_start(gui):
    gui.start()
    window = main(gui)
    gui.wait_text(window, "Status", "Ready")
    for tab in ("Smart card", "Crypto units", "Administrators", "Signature thresholds",
                "Master keys"):
        gui.get(window, "page tab", tab)
    for button in ("Generate signature key", "Generate key part", "Copy smart card",
                   "Copy signature key file", "Copy key part file", "Display smart card"):
        gui.get(window, "push button", button)
    gui.deck()  # --virtual opens the Virtual card deck window
    shot(gui, "tke-smart-card")


def test_crypto_units_listed(gui):
    open_tab(gui, "Crypto units")
    table = gui.wait_for(lambda: rows(gui, "Crypto units table", 5), "the crypto units")
    assert column(table, 1) == ["1", "2", "3", "4"], table
    assert column(table, 3) == ["OPERATIONAL", "OPERATIONAL", "RECOVERY", "RECOVERY"], table


def test_select_units(gui):
    open_tab(gui, "Crypto units")
    run_step(gui, "Add crypto units",
             [("Crypto units to add", ("numbers", " ".join(OPERATIONAL)))])
    # Only the selected units appear in the other tables, one row each.
    thresholds = gui.wait_for(lambda: rows(gui, "Signature thresholds table", 4),
                              "the thresholds of the selected units")
    assert column(thresholds, 0) == OPERATIONAL, thresholds
    shot(gui, "tke-crypto-units")


def test_remove_and_add_unit(gui):
    run_step(gui, "Remove crypto units", [("Crypto units to remove", ("numbers", "2"))])
    gui.wait_for(lambda: column(rows(gui, "Signature thresholds table", 4), 0) == ["1"],
                 "unit 2 to leave the selection")
    run_step(gui, "Add crypto units", [("Crypto units to add", ("numbers", "2"))])
    gui.wait_for(lambda: column(rows(gui, "Signature thresholds table", 4), 0) == OPERATIONAL,
                 "unit 2 to come back")


def test_refresh_panel(gui):
    """Refresh Panel reads the tables again: a change of the selection made outside tke
    (tkectl on the same workstation) shows once it is clicked."""
    cards = Cards(gui)
    cards.tkectl_run(["cryptounit-rm"], ["2"], [])
    assert column(rows(gui, "Signature thresholds table", 4), 0) == OPERATIONAL
    run_step(gui, "Refresh Panel")
    gui.wait_for(lambda: column(rows(gui, "Signature thresholds table", 4), 0) == ["1"],
                 "Refresh Panel to show that unit 2 left the selection")
    cards.tkectl_run(["cryptounit-add"], ["2"], [])
    run_step(gui, "Refresh Panel")
    gui.wait_for(lambda: column(rows(gui, "Signature thresholds table", 4), 0) == OPERATIONAL,
                 "Refresh Panel to show unit 2 selected again")


def test_selected_checkbox(gui):
    """A unit is selected or deselected in the table, as Add and Remove crypto units do:
    through accessibility with the "activate" action of a cell of its row (as Enter or a
    double click on the row; GTK 3 does not turn the AT-SPI toggle of a tick box into a
    tick), and its tick box follows."""
    def cell(unit, column_index):
        table = gui.get(main(gui), "table", "Crypto units table")
        return table.findChildren(lambda n: n.roleName == "table cell")[(unit - 1) * 5
                                                                       + column_index]

    def activate(unit):  # the CRYPTO UNIT NUM cell of the unit's row
        assert cell(unit, 1).name == str(unit)
        cell(unit, 1).doActionNamed("activate")

    def ticked(unit):  # the SELECTED cell
        return cell(unit, 2).getState().contains(pyatspi.STATE_CHECKED)

    open_tab(gui, "Crypto units")
    assert ticked(2), "unit 2 is not ticked before"
    activate(2)
    gui.wait_for(lambda: column(rows(gui, "Signature thresholds table", 4), 0) == ["1"],
                 "activating unit 2 to take it out of the selection")
    gui.wait_for(lambda: not ticked(2), "the tick of unit 2 to go")
    assert ticked(1), "unit 1 lost its tick"
    activate(2)
    gui.wait_for(lambda: column(rows(gui, "Signature thresholds table", 4), 0) == OPERATIONAL,
                 "activating unit 2 to select it again")
    gui.wait_for(lambda: ticked(2), "the tick of unit 2 to come back")


def test_compare(gui):
    line = run_step(gui, "Compare")
    assert "done." in line
    text = gui.close_alert("Compare")
    assert "configured the same" in text, text


def test_card_request_cancel(gui):
    """A step that needs a card asks for it; Cancel stops the step without an error."""
    open_tab(gui, "Smart card")
    before = log_text(gui).count("\n")
    gui.click(main(gui), "Generate signature key")
    prompt = gui.wait_for(lambda: card_request(gui, "Generate signature key"),
                          "the request for a card")
    assert "reader 2" in gui.text(prompt, "Card request")
    gui.screenshot("tke-insert-card", "Generate signature key")
    gui.click(prompt, "Cancel")
    line = gui.wait_for(lambda: step_line(gui, "Generate signature key", before),
                        "Generate signature key to end")
    assert line == "Generate signature key: Cancelled.", line
    assert gui.toplevel(("alert",), "Generate signature key") is None, "an error dialog"


def test_display_card_waits_for_card(gui):
    """Display smart card asks for a card in reader 2 and goes on by itself when the card
    is inserted in the Virtual card deck window."""
    open_tab(gui, "Smart card")
    before = log_text(gui).count("\n")
    gui.deck_new_card("blank-1")
    gui.click(main(gui), "Display smart card")
    prompt = gui.wait_for(lambda: card_request(gui, "Display smart card"),
                          "the request for a card in reader 2")
    assert "reader 2" in gui.text(prompt, "Card request")
    gui.deck_insert("blank-1", 2)
    wait_closed(gui, prompt, "the card request to go on by itself")
    gui.wait_for(lambda: any(line.startswith("Display smart card: ")
                             for line in log_text(gui).split("\n")[before:]),
                 "Display smart card to end")
    text = gui.get(main(gui), "text", "Smart card contents").text
    assert "Blank card" in text and "Signature key:      none" in text, text
    assert "Key parts:          0" in text, text
    # Readers > Refresh reader status reads both readers at once.
    gui.menu(main(gui), "Readers", "Refresh reader status")
    gui.wait_text(main(gui), "Reader 2 card", "Card inserted")
    gui.deck_remove(2)
    gui.menu(main(gui), "Readers", "Refresh reader status")
    gui.wait_text(main(gui), "Reader 2 card", "No smart card inserted")


def test_key_files(gui):
    use_key_files(gui)
    for name in ("alice", "bob"):
        menu_step(gui, "Key files", "Create signature key file", [
            ("Administrator name", name),
            ("New password", PASSWORDS[name]),
            ("again", PASSWORDS[name]),
        ])
    for i in (1, 2, 3):
        name = "key part %d" % i
        menu_step(gui, "Key files", "Create key part file", [
            ("Key part description", name),
            ("New password", PASSWORDS[name]),
            ("again", PASSWORDS[name]),
        ])
    menu_step(gui, "Key files", "Select signature key files", [
        ("Signature keys to sign commands with", ("numbers", "1 2")),
        ("\"alice\"", PASSWORDS["alice"]),
        ("\"bob\"", PASSWORDS["bob"]),
    ])


def test_add_administrators(gui):
    open_tab(gui, "Administrators")
    for number, name in ((1, "alice"), (2, "bob")):
        run_step(gui, "Add administrator", [
            ("Signature key of the administrator to add", ("numbers", str(number))),
            ("\"%s\"" % name, PASSWORDS[name]),
        ])
    admins = rows(gui, "Administrators table", 3)
    assert sorted(column(admins, 1)) == ["alice", "alice", "bob", "bob"], admins
    assert sorted(column(admins, 0)) == ["1", "1", "2", "2"], admins
    assert all(len(ski) == 64 for ski in column(admins, 2)), admins
    shot(gui, "tke-administrators")


def test_remove_administrator(gui):
    """Remove Administrator lists the administrators of the selected units; in imprint
    mode it needs no signature.  bob is removed from both units, then added again."""
    admins = rows(gui, "Administrators table", 3)
    unit_1 = [row[1] for row in admins if row[0] == "1"]
    run_step(gui, "Remove Administrator", [
        ("Administrator to remove", ("numbers", str(unit_1.index("bob") + 1))),
    ])
    admins = rows(gui, "Administrators table", 3)
    assert sorted(column(admins, 1)) == ["alice", "alice"], admins
    run_step(gui, "Add administrator", [
        ("Signature key of the administrator to add", ("numbers", "2")),
        ("\"bob\"", PASSWORDS["bob"]),
    ])
    admins = rows(gui, "Administrators table", 3)
    assert sorted(column(admins, 1)) == ["alice", "alice", "bob", "bob"], admins


def test_thresholds(gui):
    open_tab(gui, "Signature thresholds")
    before = rows(gui, "Signature thresholds table", 4)
    assert column(before, 3) == ["Imprint mode"] * 2, before
    run_step(gui, "Change signature thresholds", [
        ("New signature threshold", "2"),
        ("New revocation signature threshold", "2"),
        ("\"alice\"", PASSWORDS["alice"]),
        ("\"bob\"", PASSWORDS["bob"]),
    ])
    after = rows(gui, "Signature thresholds table", 4)
    assert after == [[unit, "2", "2", "Not in imprint mode"] for unit in OPERATIONAL], after
    shot(gui, "tke-signature-thresholds")


def test_load(gui):
    open_tab(gui, "Master keys")
    states = mk_states(gui)
    assert all(states[(u, "New")][0] == "Empty" for u in OPERATIONAL), states
    run_step(gui, "Load", [
        ("Key parts to load", ("numbers", "1 2 3")),
        ("\"key part 1\"", PASSWORDS["key part 1"]),
        ("\"key part 2\"", PASSWORDS["key part 2"]),
        ("\"key part 3\"", PASSWORDS["key part 3"]),
        ("\"alice\"", PASSWORDS["alice"]),
    ])
    states = mk_states(gui)
    for unit in OPERATIONAL:
        assert states[(unit, "New")][0] == "Full uncommitted", states
        assert len(states[(unit, "New")][1]) == 64, states
    # Both units hold the same key: the same verification pattern.
    assert states[("1", "New")][1] == states[("2", "New")][1], states


def test_commit(gui):
    run_step(gui, "Commit", [
        ("\"alice\"", PASSWORDS["alice"]),
        ("\"bob\"", PASSWORDS["bob"]),
    ])
    states = mk_states(gui)
    assert all(states[(u, "New")][0] == "Full committed" for u in OPERATIONAL), states


def test_set_immediate_no_keeps_state(gui):
    loaded = mk_states(gui)
    title = "Set immediate"
    before = log_text(gui).count("\n")
    gui.click(main(gui), title)
    dialog = gui.wait_for(lambda: prompt_dialog(gui, title, "cannot be undone"),
                          "the warning of Set immediate")
    shot_path = gui.screenshot("tke-set-immediate-warning", title)
    assert os.path.exists(shot_path)
    # No is the default: Enter alone does not move the key.
    no = gui.get(dialog, "push button", "No")
    yes = gui.get(dialog, "push button", "Yes")
    assert no.getState().contains(pyatspi.STATE_IS_DEFAULT), "No is not the default button"
    assert not yes.getState().contains(pyatspi.STATE_IS_DEFAULT), "Yes is the default button"
    gui.click(dialog, "No")
    gui.wait_for(lambda: any(line.startswith(title + ": ")
                             for line in log_text(gui).split("\n")[before:]),
                 "Set immediate to end")
    assert mk_states(gui) == loaded, "No changed the registers"


def test_set_immediate(gui):
    new_vp = mk_states(gui)[("1", "New")][1]
    run_step(gui, "Set immediate", [
        ("cannot be undone", True),
        ("\"alice\"", PASSWORDS["alice"]),
    ])
    states = mk_states(gui)
    for unit in OPERATIONAL:
        assert states[(unit, "Current")] == ("Valid", new_vp), states
        assert states[(unit, "New")][0] == "Empty", states
    shot(gui, "tke-master-keys")


def test_rotate(gui):
    """A second master key from two of the parts, committed, then rotated in."""
    old_vp = mk_states(gui)[("1", "Current")][1]
    run_step(gui, "Load", [
        ("Key parts to load", ("numbers", "1 2")),
        ("\"key part 1\"", PASSWORDS["key part 1"]),
        ("\"key part 2\"", PASSWORDS["key part 2"]),
        ("\"alice\"", PASSWORDS["alice"]),
    ])
    run_step(gui, "Commit", [("\"alice\"", PASSWORDS["alice"]), ("\"bob\"", PASSWORDS["bob"])])
    new_vp = mk_states(gui)[("1", "New")][1]
    assert new_vp != old_vp
    run_step(gui, "Rotate", [
        ("Rotate", True),
        ("\"alice\"", PASSWORDS["alice"]),
    ])
    states = mk_states(gui)
    for unit in OPERATIONAL:
        assert states[(unit, "Current")] == ("Valid", new_vp), states
        assert states[(unit, "New")][0] == "Empty", states
    shot(gui, "tke-master-keys-rotated")


def test_clear_new(gui):
    run_step(gui, "Load", [
        ("Key parts to load", ("numbers", "2 3")),
        ("\"key part 2\"", PASSWORDS["key part 2"]),
        ("\"key part 3\"", PASSWORDS["key part 3"]),
        ("\"alice\"", PASSWORDS["alice"]),
    ])
    assert mk_states(gui)[("1", "New")][0] == "Full uncommitted"
    run_step(gui, "Clear new", [("Clear the new master key register", True),
                                ("\"alice\"", PASSWORDS["alice"])])
    states = mk_states(gui)
    assert all(states[(u, "New")][0] == "Empty" for u in OPERATIONAL), states
    assert all(states[(u, "Current")][0] == "Valid" for u in OPERATIONAL), states


def test_clear_current(gui):
    run_step(gui, "Clear current", [("Clear the current master key register", True),
                                    ("\"alice\"", PASSWORDS["alice"])])
    states = mk_states(gui)
    assert all(states[(u, "Current")] == ("Empty", "") for u in OPERATIONAL), states
    assert all(states[(u, "New")][0] == "Empty" for u in OPERATIONAL), states


def test_zeroize(gui):
    menu_step(gui, "Imprint mode", "Zeroize crypto unit", [
        ("Zeroize", True),
        ("\"alice\"", PASSWORDS["alice"]),
    ])
    thresholds = rows(gui, "Signature thresholds table", 4)
    assert thresholds == [[unit, "0", "0", "Imprint mode"] for unit in OPERATIONAL], thresholds
    assert rows(gui, "Administrators table", 3) == []
    states = mk_states(gui)
    assert all(states[(u, "Current")][0] == "Empty" for u in OPERATIONAL), states


def test_screenshots_of_tabs(gui):
    open_tab(gui, "Crypto units")
    shot(gui, "tke-crypto-units-final")
    for name in ("tke-smart-card", "tke-crypto-units", "tke-administrators",
                 "tke-signature-thresholds", "tke-master-keys"):
        path = os.path.join(gui.artifacts, name + ".png")
        assert os.path.getsize(path) > 0, path


CASES = [
    ("tke starts with the five tabs of seed 003 and the deck window", test_start),
    ("Crypto units tab lists the units of the instance", test_crypto_units_listed),
    ("Add crypto units selects units 1 and 2", test_select_units),
    ("Remove crypto units and add again", test_remove_and_add_unit),
    ("a tick in the SELECTED column deselects and selects a unit", test_selected_checkbox),
    ("Refresh Panel shows a selection changed outside tke", test_refresh_panel),
    ("Compare finds the selected units the same", test_compare),
    ("Cancel in the card request stops a step without an error", test_card_request_cancel),
    ("Display smart card goes on by itself when the card is inserted",
     test_display_card_waits_for_card),
    ("Key files: two signature keys, three key parts, signing keys selected", test_key_files),
    ("Add administrator adds alice and bob to both units", test_add_administrators),
    ("Remove Administrator removes bob from both units (imprint mode: no signature)",
     test_remove_administrator),
    ("Change signature thresholds leaves imprint mode", test_thresholds),
    ("Load fills the new register with the same key in both units", test_load),
    ("Commit moves the new register to Full committed", test_commit),
    ("Set immediate: No keeps the registers as they are", test_set_immediate_no_keeps_state),
    ("Set immediate: Yes makes the key current and Valid", test_set_immediate),
    ("Rotate: a second key loaded, committed and rotated in", test_rotate),
    ("Clear new empties the new register only", test_clear_new),
    ("Clear current empties the current register", test_clear_current),
    ("Imprint mode > Zeroize crypto unit returns the units to imprint mode", test_zeroize),
    ("a screenshot of every tab", test_screenshots_of_tabs),
]


