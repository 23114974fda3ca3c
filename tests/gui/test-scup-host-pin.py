"""scup and the settings of org.opentke: reader 1 and 2 chosen in Smart Card Readers
survive a restart; on a reader without PIN pad (virtual reader 2 here) PIN entry is
refused unless allow-host-pin-entry is set, and then a dialog that warns each time asks
for the PIN on the keyboard.  The settings live in a key file, so that a restart sees
what the last run saved."""
import os
import time

from scup_cases import CA, CA_PINS, CA_UNLOCK, EP11, EP11_PIN, choose
from scup_steps import (MAIN, PIN_PROMPT, expect_error, expect_success, finished, open_form,
                        outcome, run_action)

os.environ["OPENTKE_VIRTUAL_NO_PIN_PAD"] = "2"
os.environ["GSETTINGS_BACKEND"] = "keyfile"
HOST_PIN_TITLE = "Enter the PIN on the keyboard"
WARNING = "typed on this computer's keyboard, not on a PIN pad"


def keyfile():
    return os.path.join(os.environ["XDG_CONFIG_HOME"], "glib-2.0", "settings", "keyfile")


def allow_host_pin_entry(allowed):
    """Sets allow-host-pin-entry in the key file, while the program is not running."""
    path = keyfile()
    lines = []
    if os.path.exists(path):
        with open(path) as f:
            lines = [line.rstrip("\n") for line in f
                     if not line.startswith("allow-host-pin-entry=")]
    if "[org/opentke]" not in lines:
        lines.append("[org/opentke]")
    lines.insert(lines.index("[org/opentke]") + 1,
                 "allow-host-pin-entry=%s" % ("true" if allowed else "false"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def set_readers(gui, reader1, reader2):
    main = gui.window(MAIN)
    gui.menu(main, "Smart Card Readers", "Smart card readers")
    dialog = gui.dialog("Smart Card Readers")
    message = gui.get(dialog, "label", "Readers message")
    gui.wait_for(lambda: "Reader 1 holds" in message.text, "the readers to be listed")
    choose(gui, dialog, "Reader 1", reader1)
    choose(gui, dialog, "Reader 2", reader2)
    gui.click(dialog, "Set reader 1 and 2")
    gui.wait_for(lambda: gui.get(dialog, "push button", "Set reader 1 and 2").sensitive,
                 "the roles to be set")
    gui.click(dialog, "Close")
    gui.gone("dialog", "Smart Card Readers")


def reader_roles_survive_a_restart(gui):
    gui.start()
    main = gui.window(MAIN)
    first = gui.wait_text(main, "Reader 1 name", "Virtual")
    second = gui.wait_text(main, "Reader 2 name", "Virtual")
    assert first != second, (first, second)
    set_readers(gui, second, first)
    gui.wait_text(main, "Reader 1 name", second)
    gui.restart()
    main = gui.window(MAIN)
    gui.wait_text(main, "Reader 1 name", second)
    gui.wait_text(main, "Reader 2 name", first)
    automatic = "Automatic (PIN-pad readers first, in name order)"
    set_readers(gui, automatic, automatic)
    gui.wait_text(main, "Reader 1 name", first)
    gui.restart()
    gui.wait_text(gui.window(MAIN), "Reader 1 name", first)
    gui.wait_text(gui.window(MAIN), "Reader 2 name", second)


def set_up_an_enrolled_ep11_card(gui):
    for card in ("ca", "ep11"):
        gui.deck_new_card(card)
    gui.deck_insert("ca", 1)
    text = run_action(gui, CA, "Initialize and personalize CA smart card",
                      {"Zone description": "Host PIN zone", "CA card description": "CA card"},
                      "Initialize", CA_PINS)
    expect_success(gui, text, "is ready")
    gui.deck_insert("ep11", 2)
    text = run_action(gui, EP11, "Initialize and enroll EP11 smart card",
                      ok="Initialize and enroll", prompts=[CA_UNLOCK])
    expect_success(gui, text, "now an EP11 smart card")


def personalize_is_refused_without_pin_pad(gui):
    title = "Personalize EP11 smart card"
    text = run_action(gui, EP11, title, {"Card description": "Keyboard card"}, "Personalize")
    expect_error(gui, title, text, "has no PIN pad")


def answer_host_pin_dialogs(gui, title, pins, shot=None):
    """Types each of @pins into the host PIN dialogs as they come; checks the warning of
    each.  Returns the outcome line."""
    pending = list(pins)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = finished(gui, title)
        if done:
            assert not pending, "%d PIN(s) were not asked for: %s" % (len(pending), done)
            return done
        dialog = next((node for node in gui.app.children
                       if node.roleName == "dialog" and node.showing
                       and node.name.startswith(HOST_PIN_TITLE)), None)
        if dialog is not None and pending:
            warning = gui.text(dialog, "Host PIN entry warning")
            assert WARNING in warning, warning
            # No PIN-pad prompt for a reader without PIN pad: it would send the user
            # looking for a PIN pad.
            assert gui.toplevel(("dialog",), PIN_PROMPT % 2) is None, "a PIN-pad prompt shows"
            entry = gui.get(dialog, "password text", "PIN")
            entry.text = pending.pop(0)
            if shot:
                gui.screenshot(shot, dialog.name)
                shot = None
            gui.click(dialog, "OK")
            gui.wait_for(lambda: not dialog.showing or finished(gui, title),
                         "the host PIN dialog to close")
        time.sleep(0.2)
    raise AssertionError("%s did not finish (outcome: %s)" % (title, outcome(gui)))


def personalize_with_the_pin_typed_on_the_keyboard(gui):
    allow_host_pin_entry(True)
    gui.restart()
    title = "Personalize EP11 smart card"
    before = outcome(gui)
    form = open_form(gui, EP11, title, {"Card description": "Keyboard card"})
    gui.click(form, "Personalize")
    gui.wait_for(lambda: outcome(gui) != before, "%s to start" % title)
    text = answer_host_pin_dialogs(gui, title, [EP11_PIN, EP11_PIN], shot="scup-host-pin")
    expect_success(gui, text, "Keyboard card")


def change_pin_on_the_keyboard_and_a_wrong_pin_counts(gui):
    title = "Change PIN"
    gui.menu(gui.window(MAIN), EP11, title)
    text = answer_host_pin_dialogs(gui, title, ["000000", "654321", "654321"])
    expect_error(gui, title, text, "2 tries left")
    gui.menu(gui.window(MAIN), EP11, title)
    text = answer_host_pin_dialogs(gui, title, [EP11_PIN, "654321", "654321"])
    expect_success(gui, text, "is changed")


def refused_again_once_disallowed(gui):
    allow_host_pin_entry(False)
    gui.restart()
    title = "Change PIN"
    gui.menu(gui.window(MAIN), EP11, title)
    text = answer_host_pin_dialogs(gui, title, [])
    expect_error(gui, title, text, "has no PIN pad")


CASES = [
    ("reader roles survive a restart", reader_roles_survive_a_restart),
    ("set up an enrolled EP11 card", set_up_an_enrolled_ep11_card),
    ("personalize is refused without PIN pad", personalize_is_refused_without_pin_pad),
    ("personalize with the PIN typed on the keyboard",
     personalize_with_the_pin_typed_on_the_keyboard),
    ("change PIN on the keyboard, a wrong PIN counts",
     change_pin_on_the_keyboard_and_a_wrong_pin_counts),
    ("refused again once disallowed", refused_again_once_disallowed),
]
