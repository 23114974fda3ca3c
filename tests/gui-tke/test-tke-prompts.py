"""GUI test of tke's prompts (issue 7): a step that needs a card asks for it and goes on
by itself when the card is put into the reader in the Virtual card deck window; while the
PIN-pad prompt of that reader is open, the reader status of the main window and the
prompt itself show the card that was just inserted; the prompt names the reader and the
reader's timeout, opens when the reader asks for the PIN and closes when the entry ends.
The Set immediate confirmation defaults to No.  Closing tke while a prompt waits (a
card request, the host PIN dialog of a reader without PIN pad) ends the program.
Run by tests/gui/gui-runner.py with tke --virtual.
"""
import os
import signal
import sys

import pyatspi

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from tke_steps import (CA_PINS, Cards, answer, card_request, log_text, main,  # noqa: E402
                       open_tab, prompt_dialog, step_line, wait_closed, wait_readers_empty)

CARD = "prompt-admin"
CARD_PIN = "121212"
PIN_PROMPT = "Enter the PIN on the PIN pad of reader 2"
HOST_PIN_TITLE = "Enter the PIN on the keyboard"
GENERATE = "Generate signature key"


def setup_card(gui):
    """An EP11 card of a fresh zone, personalized with CARD_PIN, in no reader."""
    cards = Cards(gui)
    for card in ("prompt-ca", CARD):
        cards.vc("new", card)
    cards.vc("insert", "prompt-ca", "--reader", "2")
    cards.tkectl_run(["ca-init"], ["Prompt zone", "CA card"],
                     [(2, CA_PINS[0]), (2, CA_PINS[0]), (2, CA_PINS[1]), (2, CA_PINS[1])])
    cards.vc("remove", "--reader", "2")
    cards.vc("insert", "prompt-ca", "--reader", "1")
    cards.vc("insert", CARD, "--reader", "2")
    cards.tkectl_run(["ep11-init"], [], [(1, CA_PINS[0]), (1, CA_PINS[1])])
    cards.tkectl_run(["ep11-personalize"], [CARD + " card"], [(2, CARD_PIN), (2, CARD_PIN)])
    cards.vc("remove", "--reader", "2")
    cards.vc("remove", "--reader", "1")


def start(gui):
    gui.start()
    gui.wait_text(main(gui), "Status", "Ready")
    setup_card(gui)
    wait_readers_empty(gui)


def card_then_pin_pad(gui):
    """Generate signature key: the card request shows the empty reader; the card put in
    from the deck window makes the step go on; the PIN-pad prompt of reader 2 then says
    which reader, its timeout and the card now in it, as the main window does."""
    open_tab(gui, "Smart card")
    before = log_text(gui).count("\n")
    gui.click(main(gui), GENERATE)
    request = gui.wait_for(lambda: card_request(gui, GENERATE), "the request for a card")
    assert gui.text(request, "Card request") == "Insert an EP11 smart card into reader 2."
    hint = gui.text(request, "Hint")
    assert hint == "The step goes on by itself when the card is in reader 2.", hint
    # Continue is only for a reader tke cannot watch: here it would do nothing.
    assert gui.find(request, "push button", "Continue") is None, "a Continue that does nothing"
    gui.wait_text(request, "Reader state", "Reader 2: No smart card inserted")
    gui.deck_insert(CARD, 2)
    wait_closed(gui, request, "the card request to go on by itself")

    prompt = gui.dialog(PIN_PROMPT)
    # The status area was read again when the card came, although the step holds the
    # card queue: not the stale "No smart card inserted" of before the step.
    status = main(gui)
    assert gui.text(status, "Reader 2 card") == "Card inserted", gui.text(status, "Reader 2 card")
    card_type = gui.text(status, "Reader 2 card type")
    assert card_type.startswith("EP11 smart card"), card_type
    state = gui.text(prompt, "Reader state")
    assert state == "Reader 2: Card inserted (%s)" % card_type, state
    # Whose card, for which step: what the core asked the PIN for.
    purpose = gui.text(prompt, "PIN purpose")
    assert purpose == GENERATE + " asks for the PIN of an EP11 smart card.", purpose
    timeout = gui.text(prompt, "PIN pad timeout")
    assert timeout == "The PIN pad waits 60 seconds for this entry.", timeout
    gui.screenshot("tke-pin-pad-prompt")

    # The entry ends with the PIN: the prompt closes with it, before the next question.
    gui.pin_pad(2, CARD_PIN)
    gui.wait_pin_queue_empty(2)
    gui.gone("dialog", PIN_PROMPT)
    answer(gui, GENERATE, "Administrator name", "prompt admin")
    line = gui.wait_for(lambda: step_line(gui, GENERATE, before), "%s to end" % GENERATE)
    assert line == GENERATE + ": done.", line
    assert gui.toplevel(("dialog",), PIN_PROMPT) is None, "the PIN-pad prompt stayed open"
    gui.deck_remove(2)


def set_immediate_defaults_to_no(gui):
    title = "Set immediate"
    open_tab(gui, "Master keys")
    before = log_text(gui).count("\n")
    gui.click(main(gui), title)
    dialog = gui.wait_for(lambda: prompt_dialog(gui, title, "cannot be undone"),
                          "the confirmation of Set immediate")
    no = gui.get(dialog, "push button", "No")
    yes = gui.get(dialog, "push button", "Yes")
    assert no.getState().contains(pyatspi.STATE_IS_DEFAULT), "No is not the default button"
    assert not yes.getState().contains(pyatspi.STATE_IS_DEFAULT), "Yes is the default button"
    gui.click(dialog, "No")
    wait_closed(gui, dialog, "the confirmation to close")
    gui.wait_for(lambda: step_line(gui, title, before), "Set immediate to end")


def choosing_nothing_is_refused(gui):
    """The list of Add crypto units: OK with nothing chosen is refused in the dialog
    (it says how many to choose); the numbers typed tick the same boxes; Cancel ends the
    step without an error."""
    title = "Add crypto units"
    open_tab(gui, "Crypto units")
    before = log_text(gui).count("\n")
    gui.click(main(gui), title)
    dialog = gui.wait_for(lambda: prompt_dialog(gui, title, "Crypto units to add"),
                          "the list of Add crypto units")
    gui.click(dialog, "OK")
    gui.wait_text(dialog, "Hint", "Choose from 1 to 4 items.")
    assert dialog.showing, "OK with nothing chosen closed the list"
    gui.set_text(dialog, "Numbers", "2 1")
    boxes = dialog.findChildren(lambda n: n.roleName == "check box")
    ticked = [box.name.split(".")[0] for box in boxes
              if box.getState().contains(pyatspi.STATE_CHECKED)]
    assert ticked == ["1", "2"], ticked
    gui.click(dialog, "Cancel")
    wait_closed(gui, dialog, "the list to close")
    line = gui.wait_for(lambda: step_line(gui, title, before), "%s to end" % title)
    assert line == title + ": Cancelled.", line
    assert gui.toplevel(("alert",), title) is None, "an error dialog after Cancel"


def wait_exit(gui, what):
    """tke ends by itself, and cleanly (SIGTERM closes the windows; it does not kill)."""
    gui.wait_for(lambda: gui.process.poll() is not None, what)
    assert gui.process.returncode == 0, "tke ended with status %d" % gui.process.returncode


def closing_during_a_card_request_exits(gui):
    open_tab(gui, "Smart card")
    gui.deck_remove(2)
    gui.click(main(gui), GENERATE)
    gui.wait_for(lambda: card_request(gui, GENERATE), "the request for a card")
    gui.process.send_signal(signal.SIGTERM)
    wait_exit(gui, "tke to exit while its card request waits")


def closing_during_the_host_pin_dialog_exits(gui):
    """Reader 2 without PIN pad and PIN entry on the keyboard allowed: the host PIN dialog
    asks; closing tke then ends the wait instead of hanging in it."""
    os.environ["OPENTKE_VIRTUAL_NO_PIN_PAD"] = "2"
    os.environ["GSETTINGS_BACKEND"] = "keyfile"
    path = os.path.join(os.environ["XDG_CONFIG_HOME"], "glib-2.0", "settings", "keyfile")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("[org/opentke]\nallow-host-pin-entry=true\n")
    gui.close()  # the run before, if a failure left it running
    try:
        gui.start()
        gui.wait_text(main(gui), "Status", "Ready")
        gui.deck_insert(CARD, 2)
        gui.wait_text(main(gui), "Reader 2 PIN pad", "No PIN pad")
        open_tab(gui, "Smart card")
        gui.click(main(gui), GENERATE)
        gui.wait_for(lambda: next((node for node in gui.app.children
                                   if node.roleName == "dialog" and node.showing
                                   and node.name.startswith(HOST_PIN_TITLE)), None),
                     "the host PIN dialog")
        gui.process.send_signal(signal.SIGTERM)
        wait_exit(gui, "tke to exit while its host PIN dialog waits")
    finally:
        del os.environ["OPENTKE_VIRTUAL_NO_PIN_PAD"]
        os.environ["GSETTINGS_BACKEND"] = "memory"


CASES = [
    ("start tke and set up an EP11 card", start),
    ("a card request goes on with the card; the PIN-pad prompt shows reader, timeout and card",
     card_then_pin_pad),
    ("the Set immediate confirmation defaults to No", set_immediate_defaults_to_no),
    ("a list refuses OK with nothing chosen; typed numbers tick the boxes",
     choosing_nothing_is_refused),
    ("closing tke during a card request exits", closing_during_a_card_request_exits),
    ("closing tke during the host PIN dialog exits", closing_during_the_host_pin_dialog_exits),
]
