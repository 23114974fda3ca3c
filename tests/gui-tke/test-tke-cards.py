"""GUI test of tke with smart cards, as seed 003 does it, on the virtual card deck and the
local service instance: the cards are set up with tkectl and tke-vcard (the Smart Card
Utility's part), then tke generates the signature keys and key parts on them (reader 2),
adds the administrators from the cards in reader 1, sets the thresholds and loads,
commits and sets the master key from the key part cards in reader 2, every command
signed by the admin cards in reader 1.  The test moves the cards in the Virtual card deck
window and types the PINs on its on-screen PIN pads whenever tke asks.  Run by
tests/gui/gui-runner.py.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from tke_steps import *  # noqa: E402,F401,F403  (the shared steps of the tke GUI tests)


def test_start_and_select(gui):
    gui.start()
    gui.wait_text(main(gui), "Status", "Ready")
    open_tab(gui, "Crypto units")
    run_step(gui, "Add crypto units",
             [("Crypto units to add", ("numbers", " ".join(OPERATIONAL)))])
    thresholds = gui.wait_for(lambda: rows(gui, "Signature thresholds table", 4),
                              "the thresholds of the selected units")
    assert column(thresholds, 0) == OPERATIONAL, thresholds


def test_card_setup(gui):
    Cards(gui).setup()
    gui.deck_remove(1)
    gui.deck_remove(2)
    use_source(gui, "Smart cards sign and hold key parts")


def test_generate_signature_keys(gui):
    open_tab(gui, "Smart card")
    for card in ("admin1", "admin2"):
        gui.deck_swap(2, card)
        expect_done(drive(gui, "Generate signature key", [card]), "Generate signature key")
        expect_done(drive(gui, "Display smart card"), "Display smart card")
        text = gui.get(main(gui), "text", "Smart card contents").text
        assert 'Signature key:      administrator "%s"' % card in text, text
    gui.deck_remove(2)


def test_generate_key_parts(gui):
    for card in ("part1", "part2"):
        gui.deck_swap(2, card)
        expect_done(drive(gui, "Generate key part", ["card key part"]), "Generate key part")
        expect_done(drive(gui, "Display smart card"), "Display smart card")
        text = gui.get(main(gui), "text", "Smart card contents").text
        assert "Key parts:          1" in text and "card key part" in text, text
    gui.deck_remove(2)
    shot(gui, "tke-smart-card-display")


def test_admins_from_cards(gui):
    open_tab(gui, "Administrators")
    for card in ("admin1", "admin2"):
        gui.deck_remove(1)
        expect_done(drive(gui, "Add administrator", reader_cards={1: [card]},
                          pin_shot="tke-pin-pad-prompt" if card == "admin1" else None),
                    "Add administrator")
    admins = rows(gui, "Administrators table", 3)
    assert sorted(column(admins, 1)) == ["admin1", "admin1", "admin2", "admin2"], admins


def test_thresholds_with_cards(gui):
    open_tab(gui, "Signature thresholds")
    expect_done(drive(gui, "Change signature thresholds", ["2", "2"],
                      reader_cards={1: ["admin1", "admin2", "admin1", "admin2"]}),
                "Change signature thresholds")
    after = rows(gui, "Signature thresholds table", 4)
    assert after == [[unit, "2", "2", "Not in imprint mode"] for unit in OPERATIONAL], after


def test_load_commit_set_immediate_with_cards(gui):
    open_tab(gui, "Master keys")
    signers = {1: ["admin1", "admin2"] * 3}
    expect_done(drive(gui, "Load", ["2", ("numbers", "1"), ("numbers", "1")],
                      reader_cards={1: list(signers[1]), 2: ["part1", "part2"]}), "Load")
    states = mk_states(gui)
    assert all(states[(u, "New")][0] == "Full uncommitted" for u in OPERATIONAL), states
    expect_done(drive(gui, "Commit", reader_cards={1: list(signers[1])}), "Commit")
    states = mk_states(gui)
    assert all(states[(u, "New")][0] == "Full committed" for u in OPERATIONAL), states
    new_vp = states[("1", "New")][1]
    expect_done(drive(gui, "Set immediate", [True], reader_cards={1: list(signers[1])}),
                "Set immediate")
    states = mk_states(gui)
    for unit in OPERATIONAL:
        assert states[(unit, "Current")] == ("Valid", new_vp), states
    shot(gui, "tke-master-keys-cards")


CASES = [
    ("tke starts; units 1 and 2 selected", test_start_and_select),
    ("cards: CA card and four EP11 cards set up (tkectl beside tke)", test_card_setup),
    ("Smart card tab: Generate signature key on two cards in reader 2",
     test_generate_signature_keys),
    ("Smart card tab: Generate key part on two cards in reader 2", test_generate_key_parts),
    ("Add administrator from the card in reader 1, twice", test_admins_from_cards),
    ("Change signature thresholds signed by two admin cards", test_thresholds_with_cards),
    ("Load from key part cards in reader 2, Commit, Set immediate, signed by cards",
     test_load_commit_set_immediate_with_cards),
]
