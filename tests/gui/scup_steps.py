"""What the scup GUI tests do again and again: run a menu action, fill its form, answer
its PIN-pad prompts on the virtual deck's on-screen PIN pads, wait for the outcome."""
import time

MAIN = "Smart Card Utility Program"
PIN_PROMPT = "Enter the PIN on the PIN pad of reader %d"
# Entries that are a key of the PIN pad rather than digits.
PIN_PAD_KEYS = ("Cancel", "No answer")


def outcome(gui):
    return gui.text(gui.window(MAIN), "Outcome") or ""


def finished(gui, title):
    """The outcome line of @title once it is done or failed, else None."""
    text = outcome(gui)
    if text.startswith(title + ": ") and not text.endswith("working\u2026"):
        return text
    return None


def open_form(gui, menu, item, fields=None, shot=None):
    """Opens the action's form and types @fields (accessible name -> text)."""
    gui.menu(gui.window(MAIN), menu, item)
    form = gui.dialog(item)
    for name, value in (fields or {}).items():
        gui.set_text(form, name, value)
    if shot:
        gui.screenshot(shot, item)
    return form


def answer_prompts(gui, title, prompts, prompt_shot=None):
    """Waits for the action to finish; whenever the PIN-pad prompt of a reader shows, types
    the next group of entries meant for that reader.  @prompts: [(reader, [pin, ...])].
    Groups for a card that was unlocked already are not used.  Returns the outcome."""
    pending = list(prompts)
    answered = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = finished(gui, title)
        if done:
            return done
        for index, (reader, pins) in enumerate(pending):
            prompt = gui.toplevel(("dialog",), PIN_PROMPT % reader)
            if prompt is None or id(prompt) in answered:
                continue
            if prompt_shot:
                gui.screenshot(prompt_shot, PIN_PROMPT % reader)
                prompt_shot = None
            for pin in pins:
                if pin in PIN_PAD_KEYS:
                    gui.pin_pad_key(reader, pin)
                else:
                    gui.pin_pad(reader, pin)
            gui.wait_pin_queue_empty(reader)
            # The prompt closes when the card call returns; the next one is a new dialog.
            gui.wait_for(lambda: gui.toplevel(("dialog",), PIN_PROMPT % reader) is None
                         or finished(gui, title), "the PIN-pad prompt to close")
            del pending[index]
            break
        time.sleep(0.2)
    raise AssertionError("%s did not finish (outcome: %s)" % (title, outcome(gui)))


def run_action(gui, menu, item, fields=None, ok=None, prompts=(), form_shot=None,
               prompt_shot=None):
    """Runs a menu action to its end and returns the outcome line."""
    before = outcome(gui)
    if ok is not None:
        form = open_form(gui, menu, item, fields, form_shot)
        gui.click(form, ok)
    else:
        gui.menu(gui.window(MAIN), menu, item)
    # The outcome line changes to "ITEM: working..." at once; a quick action may be
    # done before we look, with the same outcome as last time.
    started = time.monotonic()
    gui.wait_for(lambda: outcome(gui) != before or time.monotonic() - started > 3,
                 "%s to start" % item)
    return answer_prompts(gui, item, prompts, prompt_shot)


def expect_success(gui, text, expected):
    assert expected in text, "expected \"%s\", the outcome line says \"%s\"" % (expected, text)


def expect_error(gui, title, text, expected):
    """The action failed: its outcome line and its error dialog say @expected."""
    assert "failed" in text, "expected a failure, the outcome line says \"%s\"" % text
    message = gui.close_alert(title)
    assert expected.lower() in message.lower(), \
        "expected \"%s\" in the error dialog, it says \"%s\"" % (expected, message)
    return message


def results(gui):
    return gui.get(gui.window(MAIN), "text", "Results").text
