"""GUI test of tke with smart cards, as seed 003 does it, on the virtual card deck and the
local service instance: the cards are set up with tkectl and tke-vcard (the Smart Card
Utility's part), then tke generates the signature keys and key parts on them (reader 2),
copies an admin card and a key part card (Copy smart card) and key files to a card
(Copy signature key file, Copy key part file), refuses the copies a person must not make,
adds the administrators from the cards in reader 1, sets the thresholds and loads,
commits and sets the master key from the key part cards in reader 2 (one of them a
copy), every command signed by the admin cards in reader 1 (one of them a copy).  The
test moves the cards in the Virtual card deck window and types the PINs on its
on-screen PIN pads whenever tke asks.  Run by tests/gui/gui-runner.py, twice: with tke
--virtual (libcard's in-process backend) and tke --virtual --pcsc (through a private
pcscd and the virtual PIN-pad driver, tests/gui-tke/meson.build).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from tke_steps import *  # noqa: E402,F401,F403  (the shared steps of the tke GUI tests)


# The messages of libcard's refusals of a copy (libcard/card-status.c).
WRONG_ZONE = "The cards belong to different smart card zones; use cards of the same zone"
NOT_EMPTY = ("The target EP11 card already holds a signature key or key parts; use an empty "
             "personalized card of the same zone")
ONE_SIGNATURE_KEY = "The EP11 card already holds a signature key; a card holds only one"
FILE_PASSWORDS = {"carol": "carol: file secret", "file key part": "file part secret"}


def test_start_and_select(gui):
    gui.start()
    gui.wait_text(main(gui), "Status", "Ready")
    # The readers tke sees: pcscd names a reader with its slot ("... 1 00 00"), libcard's
    # in-process backend does not.
    for reader in (1, 2):
        name = "OpenTKE Virtual PIN Pad %d" % reader
        if "--pcsc" in gui.app_args:
            name += " %02d 00" % (reader - 1)
        gui.wait_text(main(gui), "Reader %d name" % reader, name)
        assert gui.text(main(gui), "Reader %d name" % reader) == name
    open_tab(gui, "Crypto units")
    run_step(gui, "Add crypto units",
             [("Crypto units to add", ("numbers", " ".join(OPERATIONAL)))])
    thresholds = gui.wait_for(lambda: rows(gui, "Signature thresholds table", 4),
                              "the thresholds of the selected units")
    assert column(thresholds, 0) == OPERATIONAL, thresholds


def test_card_setup(gui):
    Cards(gui).setup()
    wait_readers_empty(gui)
    use_source(gui, "Smart cards sign and hold key parts")


def test_generate_signature_keys(gui):
    open_tab(gui, "Smart card")
    for card in ("admin1", "admin2"):
        deck_swap(gui, 2, card)
        before = log_text(gui).count("\n")
        expect_done(drive(gui, "Generate signature key", [card]), "Generate signature key")
        ski = log_value(gui, before, "Signature key of %s generated" % card, "SKI")
        text = display_card(gui)
        assert card_field(text, "Signature key") == 'administrator "%s"' % card, text
        assert card_field(text, "  SKI") == ski, text
    gui.deck_remove(2)


def test_generate_key_parts(gui):
    for card in ("part1", "part2"):
        deck_swap(gui, 2, card)
        before = log_text(gui).count("\n")
        expect_done(drive(gui, "Generate key part", ["card key part"]), "Generate key part")
        vp = log_value(gui, before, 'Key part "card key part" generated', "verification pattern")
        text = display_card(gui)
        assert card_field(text, "Key parts") == "1", text
        assert "card key part\n      verification pattern %s\n" % vp in text, text
    show_card_keys(gui)
    shot(gui, "tke-smart-card-display")
    gui.deck_remove(2)


def test_copy_smart_cards(gui):
    """Seed 003 step 1.3: a backup copy of an admin card and of a key part card; Display
    smart card shows the copy with the same signature key or key part as the original."""
    for source, target, holds in (("admin1", "admin1-copy", "SKI"),
                                  ("part1", "part1-copy", "verification pattern")):
        gui.deck_remove(1)
        deck_swap(gui, 2, source)
        original = display_card(gui)
        assert holds in card_keys(original), original
        gui.deck_remove(2)
        expect_done(drive(gui, "Copy smart card", reader_cards={1: [source], 2: [target]},
                          shots={"request": "tke-copy-smart-card"} if source == "admin1" else {}),
                    "Copy smart card")
        assert in_reader(gui, 2) == target
        copy = display_card(gui)
        assert card_field(copy, "Card description") == target + " card", copy
        assert card_field(copy, "Zone ID") == card_field(original, "Zone ID"), (original, copy)
        assert card_keys(copy) == card_keys(original), (original, copy)
    show_card_keys(gui)
    shot(gui, "tke-smart-card-copy")


def test_copy_refusals(gui):
    """What a copy must not do: onto a card of another zone, onto a card that holds keys
    already (the copy made above), or onto the source card itself (the deck window keeps a
    card in one reader at a time)."""
    gui.deck_remove(1)
    gui.deck_remove(2)
    line = drive(gui, "Copy smart card", reader_cards={1: ["admin1"], 2: ["stranger"]})
    expect_refused(gui, "Copy smart card", line, WRONG_ZONE)
    assert card_field(display_card(gui), "Signature key") == "none"
    deck_swap(gui, 2, "admin1-copy")
    line = drive(gui, "Copy smart card")
    expect_refused(gui, "Copy smart card", line, NOT_EMPTY)
    gui.deck_remove(2)
    # The deck window does not offer admin1 for reader 2 while it is in reader 1.
    assert in_reader(gui, 1) == "admin1"
    into_2 = gui.get(gui.deck(), "push button", "Insert admin1 into reader 2")
    assert not into_2.sensitive, "admin1 can go into both readers"
    gui.deck_remove(1)


def test_copy_key_files(gui):
    """Seed 003 step 1.4: a signature key file and a key part file of this workstation
    copied to the card in reader 2, which then holds the same SKI and verification
    pattern as the files; a second signature key is refused."""
    before = log_text(gui).count("\n")
    menu_step(gui, "Key files", "Create signature key file", [
        ("Administrator name", "carol"),
        ("New password", FILE_PASSWORDS["carol"]),
        ("again", FILE_PASSWORDS["carol"]),
    ])
    ski = log_value(gui, before, "Created the signature key of carol", "SKI")
    menu_step(gui, "Key files", "Create key part file", [
        ("Key part description", "file key part"),
        ("New password", FILE_PASSWORDS["file key part"]),
        ("again", FILE_PASSWORDS["file key part"]),
    ])
    vp = log_value(gui, before, 'Created the key part "file key part"', "verification pattern")
    deck_swap(gui, 2, "from-files")
    expect_done(drive(gui, "Copy signature key file",
                      [("numbers", "1"), FILE_PASSWORDS["carol"]],
                      shots={"Signature key file to copy": "tke-copy-signature-key-file"}),
                "Copy signature key file")
    text = display_card(gui)
    assert card_field(text, "Signature key") == 'administrator "carol"', text
    assert card_field(text, "  SKI") == ski, text
    # A card holds one signature key: a second copy is refused, the card keeps carol's.
    line = drive(gui, "Copy signature key file", [("numbers", "1"), FILE_PASSWORDS["carol"]])
    expect_refused(gui, "Copy signature key file", line, ONE_SIGNATURE_KEY)
    expect_done(drive(gui, "Copy key part file",
                      [("numbers", "1"), FILE_PASSWORDS["file key part"]]), "Copy key part file")
    text = display_card(gui)
    assert card_field(text, "Key parts") == "1", text
    assert "file key part\n      verification pattern %s\n" % vp in text, text
    assert card_field(text, "Signature key") == 'administrator "carol"', text
    show_card_keys(gui)
    shot(gui, "tke-smart-card-key-files")
    gui.deck_remove(2)


def test_admins_from_cards(gui):
    open_tab(gui, "Administrators")
    for card in ("admin1", "admin2"):
        gui.deck_remove(1)
        expect_done(drive(gui, "Add administrator", reader_cards={1: [card]},
                          shots={"pin": "tke-pin-pad-prompt"} if card == "admin1" else {}),
                    "Add administrator")
    admins = rows(gui, "Administrators table", 3)
    assert sorted(column(admins, 1)) == ["admin1", "admin1", "admin2", "admin2"], admins
    shot(gui, "tke-administrators-cards")


def test_thresholds_with_cards(gui):
    open_tab(gui, "Signature thresholds")
    expect_done(drive(gui, "Change signature thresholds", ["2", "2"],
                      # the copy of admin1 signs as admin1 does
                      reader_cards={1: ["admin1-copy", "admin2", "admin1", "admin2"]}),
                "Change signature thresholds")
    after = rows(gui, "Signature thresholds table", 4)
    assert after == [[unit, "2", "2", "Not in imprint mode"] for unit in OPERATIONAL], after


def reader_2_unlocked(gui):
    """While Load asks which key part to take, the card in reader 2 has had its PIN
    entered for this step, and the status area says so."""
    gui.wait_for(lambda: gui.text(main(gui), "Reader 2 unlocked") == "Unlocked",
                 "reader 2 to show \"Unlocked\" (it shows \"%s\")"
                 % gui.text(main(gui), "Reader 2 unlocked"))


def test_load_commit_set_immediate_with_cards(gui):
    open_tab(gui, "Master keys")
    signers = {1: ["admin1", "admin2"] * 3}
    # The first part from the copy of part1: the same key part as on part1.
    expect_done(drive(gui, "Load", ["2", ("numbers", "1"), ("numbers", "1")],
                      reader_cards={1: list(signers[1]), 2: ["part1-copy", "part2"]},
                      shots={"Key part 1 to load": "tke-key-part-choice"},
                      checks={"Key part 1 to load": reader_2_unlocked,
                              "Key part 2 to load": reader_2_unlocked}), "Load")
    # The step is over: its card sessions are closed, and the card is no longer unlocked.
    gui.wait_for(lambda: gui.text(main(gui), "Reader 2 unlocked") != "Unlocked",
                 "reader 2 no longer unlocked after Load")
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
    ("cards: CA cards of two zones and their EP11 cards set up (tkectl beside tke)",
     test_card_setup),
    ("Smart card tab: Generate signature key on two cards in reader 2",
     test_generate_signature_keys),
    ("Smart card tab: Generate key part on two cards in reader 2", test_generate_key_parts),
    ("Copy smart card: an admin card and a key part card, the copies show the same keys",
     test_copy_smart_cards),
    ("Copy smart card refuses another zone's card, a card with keys, the source itself",
     test_copy_refusals),
    ("Copy signature key file and Copy key part file to the card in reader 2",
     test_copy_key_files),
    ("Add administrator from the card in reader 1, twice", test_admins_from_cards),
    ("Change signature thresholds signed by two admin cards", test_thresholds_with_cards),
    ("Load from key part cards in reader 2, Commit, Set immediate, signed by cards",
     test_load_commit_set_immediate_with_cards),
]
