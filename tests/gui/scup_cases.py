"""The cases of the scup GUI tests: set up the cards of a ceremony as seed 004 says (a CA
card and its backup, EP11 cards enrolled and personalized), display them, change a PIN,
block a card with three wrong PINs and unblock it with the CA card, zeroize a card, and
the refusals a security officer relies on.  test-scup.py runs them all on libcard's
in-process virtual backend, test-scup-pcscd.py most of them through a private pcscd."""
import os
import tempfile

from root_certificate import make_root_certificate
from scup_steps import (MAIN, PIN_PROMPT, expect_error, expect_success, finished, open_form,
                        results, run_action, outcome)

CA = "CA Smart Card"
EP11 = "EP11 Smart Card"
CA_PINS = [(1, ["111111", "111111", "222222", "222222"])]
CA_UNLOCK = (1, ["111111", "222222"])
EP11_PIN = "123456"


def starts_with_its_menus(gui):
    gui.start()
    main = gui.window(MAIN)
    for menu in (CA, EP11, "Smart Card Readers"):
        gui.get(main, "menu", menu)
    gui.wait_text(main, "Reader 1 name", "Virtual PIN Pad")
    gui.wait_text(main, "Reader 2 name", "Virtual PIN Pad")
    gui.wait_text(main, "Reader 1 PIN pad", "PIN pad")
    gui.wait_text(main, "Reader 1 card", "No smart card inserted")
    gui.screenshot("scup-main", MAIN)


def readers_dialog_lists_both_readers(gui):
    gui.menu(gui.window(MAIN), "Smart Card Readers", "Smart card readers")
    dialog = gui.dialog("Smart Card Readers")
    message = gui.get(dialog, "label", "Readers message")
    gui.wait_for(lambda: "Reader 1 holds" in message.text, "the readers to be listed")
    cells = [cell.name for cell in dialog.findChildren(lambda n: n.roleName == "table cell")]
    assert "Reader 1" in cells and "Reader 2" in cells, cells
    gui.screenshot("scup-readers", "Smart Card Readers")
    gui.click(dialog, "Close")
    gui.gone("dialog", "Smart Card Readers")


def choose(gui, dialog, combo_name, item):
    """Selects @item in a combo box through its AT-SPI Selection (no popup menu)."""
    combo = gui.get(dialog, "combo box", combo_name)
    names = gui.wait_for(lambda: [n.name for n in combo.findChildren(
        lambda n: n.roleName == "menu item")] or None, "the entries of %s" % combo_name)
    assert item in names, "%s is not in %s: %s" % (item, combo_name, names)
    selection = combo.querySelection()
    selection.selectChild(names.index(item))
    gui.wait_for(lambda: selection.isChildSelected(names.index(item)),
                 "%s to show \"%s\"" % (combo_name, item))


def readers_can_be_swapped_and_set_back(gui):
    main = gui.window(MAIN)
    gui.menu(main, "Smart Card Readers", "Smart card readers")
    dialog = gui.dialog("Smart Card Readers")
    message = gui.get(dialog, "label", "Readers message")
    gui.wait_for(lambda: "Reader 1 holds" in message.text, "the readers to be listed")
    first = gui.text(main, "Reader 1 name")
    second = gui.text(main, "Reader 2 name")
    # The same reader for both roles is refused.
    choose(gui, dialog, "Reader 1", second)
    choose(gui, dialog, "Reader 2", second)
    gui.click(dialog, "Set reader 1 and 2")
    gui.wait_for(lambda: "two different readers" in message.text, "the refusal")
    choose(gui, dialog, "Reader 2", first)
    gui.click(dialog, "Set reader 1 and 2")
    gui.wait_text(main, "Reader 1 name", second)
    gui.wait_text(main, "Reader 2 name", first)
    automatic = "Automatic (PIN-pad readers first, in name order)"
    choose(gui, dialog, "Reader 1", automatic)
    choose(gui, dialog, "Reader 2", automatic)
    gui.click(dialog, "Set reader 1 and 2")
    gui.wait_text(main, "Reader 1 name", first)
    gui.wait_text(main, "Reader 2 name", second)
    gui.click(dialog, "Close")
    gui.gone("dialog", "Smart Card Readers")


def ca_card_needs_a_card_in_reader_1(gui):
    title = "Initialize and personalize CA smart card"
    text = run_action(gui, CA, title, {"Zone description": "Demo zone",
                                       "CA card description": "CA card"}, "Initialize")
    expect_error(gui, title, text, "No smart card inserted in reader 1")


def initialize_and_personalize_ca_card(gui):
    for card in ("ca", "ca-backup", "admin", "part1", "part2"):
        gui.deck_new_card(card)
    gui.deck_insert("ca", 1)
    title = "Initialize and personalize CA smart card"
    text = run_action(gui, CA, title, {"Zone description": "Demo zone",
                                       "CA card description": "CA card"}, "Initialize",
                      CA_PINS, form_shot="scup-ca-init-form", prompt_shot="scup-pin-prompt")
    expect_success(gui, text, "is ready")
    gui.wait_text(gui.window(MAIN), "Reader 1 card type", "CA smart card")
    gui.screenshot("scup-ca-ready", MAIN)


def display_ca_card(gui):
    text = run_action(gui, CA, "Display CA smart card")
    expect_success(gui, text, "shown below")
    shown = results(gui)
    assert "Demo zone" in shown and "CA card" in shown, shown
    assert "PIN tries left:     5" in shown, shown
    gui.screenshot("scup-ca-display", MAIN)


def initialize_refuses_a_card_that_is_not_blank(gui):
    title = "Initialize and personalize CA smart card"
    text = run_action(gui, CA, title, {"Zone description": "Other zone",
                                       "CA card description": "Other"}, "Initialize")
    expect_error(gui, title, text, "not blank")


def add_root_refuses_a_file_that_is_not_a_certificate(gui):
    title = "Add trusted crypto-unit root"
    folder = tempfile.mkdtemp(prefix="opentke-gui-root-")
    bogus = os.path.join(folder, "not-a-certificate.txt")
    with open(bogus, "w") as out:
        out.write("this is not a certificate\n")
    form = open_form(gui, CA, title, {"Crypto-unit root certificate": bogus})
    gui.click(form, "Add root")
    message = gui.close_alert("Check the input")
    assert "not a crypto-unit root certificate" in message, message
    gui.click(form, "Cancel")
    gui.gone("dialog", title)


def add_trusted_root(gui):
    title = "Add trusted crypto-unit root"
    root = make_root_certificate(tempfile.mkdtemp(prefix="opentke-gui-root-"))
    text = run_action(gui, CA, title, {"Crypto-unit root certificate": root}, "Add root",
                      [CA_UNLOCK], form_shot="scup-add-root-form")
    expect_success(gui, text, "now trusts")
    run_action(gui, CA, "Display CA smart card")
    assert "Trusted crypto-unit roots: 1" in results(gui), results(gui)


def backup_ca_card(gui):
    gui.deck_insert("ca-backup", 2)
    title = "Backup CA smart card"
    text = run_action(gui, CA, title, ok="Back up", prompts=[CA_UNLOCK],
                      form_shot="scup-ca-backup-form")
    expect_success(gui, text, "backup of the CA smart card")
    gui.wait_text(gui.window(MAIN), "Reader 2 card type", "CA smart card")


# The EP11 cards to set up, with their descriptions; the last one is used afterwards.
EP11_CARDS = [("admin", "Admin card"), ("part1", "Key part card 1"), ("part2", "Key part card 2")]


def enroll_ep11_cards(gui, cards=EP11_CARDS):
    title = "Initialize and enroll EP11 smart card"
    for number, (card, _) in enumerate(cards):
        gui.deck_swap(2, card)
        text = run_action(gui, EP11, title, ok="Initialize and enroll", prompts=[CA_UNLOCK],
                          form_shot="scup-ep11-enroll-form" if number == 0 else None)
        expect_success(gui, text, "now an EP11 smart card")
        gui.wait_text(gui.window(MAIN), "Reader 2 card type", "EP11 smart card, not personalized")


def personalize_refuses_an_empty_description(gui):
    title = "Personalize EP11 smart card"
    form = open_form(gui, EP11, title, {"Card description": ""})
    gui.click(form, "Personalize")
    alert = gui.wait_for(lambda: gui.app.findChild(lambda n: n.roleName == "alert" and n.showing,
                                                   retry=False, requireResult=False),
                         "the warning about the description")
    assert "description" in gui.alert_text(alert), gui.alert_text(alert)
    gui.click(alert, "Close")
    gui.click(form, "Cancel")
    gui.gone("dialog", title)


def personalize_ep11_cards(gui, cards=EP11_CARDS):
    title = "Personalize EP11 smart card"
    for number, (card, description) in enumerate(cards):
        gui.deck_swap(2, card)
        text = run_action(gui, EP11, title, {"Card description": description}, "Personalize",
                          [(2, [EP11_PIN, EP11_PIN])],
                          form_shot="scup-ep11-personalize-form" if number == 0 else None,
                          prompt_shot="scup-ep11-personalize-prompt" if number == 0 else None)
        expect_success(gui, text, description)
        gui.wait_text(gui.window(MAIN), "Reader 2 card type", "EP11 smart card")


def display_ep11_card(gui):
    text = run_action(gui, EP11, "Display EP11 smart card")
    expect_success(gui, text, "shown below")
    shown = results(gui)
    assert "Key part card 2" in shown and "PIN tries left:     3" in shown, shown
    gui.screenshot("scup-ep11-display", MAIN)


def change_pin(gui):
    text = run_action(gui, EP11, "Change PIN", prompts=[(2, [EP11_PIN, "654321", "654321"])],
                      prompt_shot="scup-change-pin-prompt")
    expect_success(gui, text, "is changed")


def change_pin_refuses_different_new_pins(gui):
    title = "Change PIN"
    text = run_action(gui, EP11, title, prompts=[(2, ["654321", "111111", "222222"])])
    expect_error(gui, title, text, "differ")


def cancel_on_the_pin_pad_stops_change_pin(gui):
    title = "Change PIN"
    text = run_action(gui, EP11, title, prompts=[(2, ["Cancel"])])
    expect_error(gui, title, text, "cancel")


def no_answer_on_the_pin_pad_times_out(gui):
    title = "Change PIN"
    text = run_action(gui, EP11, title, prompts=[(2, ["No answer"])])
    expect_error(gui, title, text, "time")
    text = run_action(gui, EP11, "Display EP11 smart card")
    assert "PIN tries left:     3" in results(gui), results(gui)


def three_wrong_pins_block_the_card(gui):
    title = "Change PIN"
    for attempt, expected in enumerate(("2 tries left", "1 try left", "blocked")):
        text = run_action(gui, EP11, title, prompts=[(2, ["000000", "999999", "999999"])])
        if attempt == 2:
            gui.screenshot("scup-blocked-error", title)
        expect_error(gui, title, text, expected)
    text = run_action(gui, EP11, "Display EP11 smart card")
    assert "blocked" in results(gui), results(gui)


def unblock_with_the_ca_card(gui):
    title = "Unblock EP11 smart card"
    text = run_action(gui, EP11, title, ok="Unblock", prompts=[CA_UNLOCK, (2, ["777777", "777777"])],
                      form_shot="scup-unblock-form")
    expect_success(gui, text, "unblocked")
    run_action(gui, EP11, "Display EP11 smart card")
    assert "PIN tries left:     3" in results(gui), results(gui)
    text = run_action(gui, EP11, "Change PIN", prompts=[(2, ["777777", EP11_PIN, EP11_PIN])])
    expect_success(gui, text, "is changed")


def reader_status_shows_the_ca_card_unlocked_during_an_action(gui):
    """While Unblock waits for the new EP11 PIN on reader 2, the CA card in reader 1 has
    both PINs entered and the status area says it is unlocked; once the action is over its
    session is closed (the next one locks the card), and a removed card shows nothing."""
    main = gui.window(MAIN)
    title = "Unblock EP11 smart card"

    def unlocked(expected):
        gui.wait_for(lambda: gui.text(main, "Reader 1 unlocked") == expected,
                     "reader 1 to show \"%s\" (it shows \"%s\")"
                     % (expected, gui.text(main, "Reader 1 unlocked")))

    unlocked("Not unlocked")
    gui.click(open_form(gui, EP11, title), "Unblock")
    gui.dialog(PIN_PROMPT % 1)
    for pin in CA_UNLOCK[1]:
        gui.pin_pad(1, pin)
    gui.dialog(PIN_PROMPT % 2)
    unlocked("Unlocked")
    assert gui.text(main, "Reader 1 card type") == "CA smart card", \
        gui.text(main, "Reader 1 card type")
    assert gui.text(main, "Reader 2 unlocked") != "Unlocked", gui.text(main, "Reader 2 unlocked")
    gui.screenshot("scup-reader-unlocked", MAIN)
    gui.pin_pad(2, EP11_PIN)
    gui.pin_pad(2, EP11_PIN)
    gui.wait_for(lambda: finished(gui, title), "%s to finish" % title)
    expect_success(gui, finished(gui, title), "unblocked")
    unlocked("Not unlocked")
    gui.deck_remove(1)
    gui.wait_text(main, "Reader 1 card", "No smart card inserted")
    unlocked("")
    gui.deck_insert("ca", 1)
    unlocked("Not unlocked")


def zeroize_asks_first_and_no_keeps_the_card(gui):
    title = "Zeroize EP11 smart card"
    run_action(gui, EP11, title)
    alert = gui.dialog(title)
    question = gui.alert_text(alert)
    assert "cannot be undone" in question and "Key part card 2" in question, question
    gui.screenshot("scup-zeroize-confirm", title)
    gui.click(alert, "No")
    gui.gone(alert.roleName, title)
    run_action(gui, EP11, "Display EP11 smart card")
    assert "Key part card 2" in results(gui), results(gui)


def zeroize_makes_the_card_blank(gui):
    title = "Zeroize EP11 smart card"
    run_action(gui, EP11, title)
    alert = gui.dialog(title)
    gui.click(alert, "Zeroize")
    gui.wait_for(lambda: "zeroized" in outcome(gui), "the card to be zeroized")
    gui.wait_text(gui.window(MAIN), "Reader 2 card type", "Blank card")


def display_without_card_says_so(gui):
    gui.deck_remove(2)
    title = "Display EP11 smart card"
    text = run_action(gui, EP11, title)
    expect_error(gui, title, text, "No smart card inserted")


ALL_CASES = [
    ("scup starts with its menus and the reader status", starts_with_its_menus),
    ("Smart Card Readers lists reader 1 and reader 2", readers_dialog_lists_both_readers),
    ("Smart Card Readers sets reader 1 and 2, refuses one reader for both",
     readers_can_be_swapped_and_set_back),
    ("a CA card needs a card in reader 1", ca_card_needs_a_card_in_reader_1),
    ("Initialize and personalize CA smart card", initialize_and_personalize_ca_card),
    ("Display CA smart card", display_ca_card),
    ("initialize refuses a card that is not blank", initialize_refuses_a_card_that_is_not_blank),
    ("Add trusted crypto-unit root refuses a file that is not a certificate",
     add_root_refuses_a_file_that_is_not_a_certificate),
    ("Add trusted crypto-unit root", add_trusted_root),
    ("Backup CA smart card", backup_ca_card),
    ("Initialize and enroll three EP11 smart cards", enroll_ep11_cards),
    ("Personalize refuses an empty description", personalize_refuses_an_empty_description),
    ("Personalize three EP11 smart cards", personalize_ep11_cards),
    ("Display EP11 smart card", display_ep11_card),
    ("Change PIN", change_pin),
    ("Change PIN refuses two different new PINs", change_pin_refuses_different_new_pins),
    ("Cancel on the PIN pad stops Change PIN", cancel_on_the_pin_pad_stops_change_pin),
    ("No answer on the PIN pad times out, no try lost", no_answer_on_the_pin_pad_times_out),
    ("three wrong PINs block the card", three_wrong_pins_block_the_card),
    ("Unblock EP11 smart card with the CA card", unblock_with_the_ca_card),
    ("the reader status shows the CA card unlocked while an action uses it, not after",
     reader_status_shows_the_ca_card_unlocked_during_an_action),
    ("Zeroize asks first; No keeps the card", zeroize_asks_first_and_no_keeps_the_card),
    ("Zeroize EP11 smart card makes it blank", zeroize_makes_the_card_blank),
    ("Display without a card says No smart card inserted", display_without_card_says_so),
]


def enroll_one_ep11_card(gui):
    enroll_ep11_cards(gui, EP11_CARDS[-1:])


def personalize_one_ep11_card(gui):
    personalize_ep11_cards(gui, EP11_CARDS[-1:])


# Through pcscd: every PIN-pad path (verify, both PINs, modify with and without the old
# PIN, the pad's own refusals), with one EP11 card instead of three.
PCSCD_CASES = [case if case[1] is not enroll_ep11_cards and case[1] is not personalize_ep11_cards
               else (case[0].replace("three", "one"),
                     enroll_one_ep11_card if case[1] is enroll_ep11_cards
                     else personalize_one_ep11_card)
               for case in ALL_CASES
               if case[1] not in (backup_ca_card, display_without_card_says_so)]
