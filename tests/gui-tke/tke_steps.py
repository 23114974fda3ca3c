"""What the GUI tests of tke do again and again: find the main window's tables and read
them, answer the prompts of a step, play the person at the readers of the virtual deck
(move cards, type PINs on the on-screen PIN pads) and set up the cards with tkectl.
Imported by test-tke.py and test-tke-cards.py (beside this file), with otkgui.py of
tests/gui/ underneath."""
import os
import subprocess
import time

import pyatspi

# Key files with a cheap KDF: the tests are about the GUI, not the KDF's cost.
os.environ["OPENTKE_KEYFILE_KDF_LOG2N"] = "10"

MAIN = "Trusted Key Entry"
PIN_PAD_PROMPT = "Enter the PIN on the PIN pad of reader %d"  # the title of tke's PIN prompt
PASSWORDS = {
    "alice": "alice: correct horse",
    "bob": "bob: battery staple",
    "key part 1": "part one secret",
    "key part 2": "part two secret",
    "key part 3": "part three secret",
}
OPERATIONAL = ["1", "2"]  # the local instance's operational units (3 and 4 are recovery)


# ---- helpers ------------------------------------------------------------------------


def main(gui):
    return gui.window(MAIN)


def log_text(gui):
    return gui.get(main(gui), "text", "Activity log").text or ""


def open_tab(gui, name):
    tab = gui.get(main(gui), "page tab", name)
    tab.select()
    gui.wait_for(lambda: tab.isSelected, "the tab \"%s\" to show" % name)
    return tab


def cells(gui, table_name):
    """The texts of the cells of a table, row by row."""
    # The tables of the other tabs count too: they are filled, only not on screen.
    table = gui.wait_for(lambda: gui.find(main(gui), "table", table_name, showing=False),
                         "the table \"%s\"" % table_name)
    return [node.name for node in table.findChildren(lambda n: n.roleName == "table cell")]


def rows(gui, table_name, n_columns):
    flat = cells(gui, table_name)
    return [flat[i:i + n_columns] for i in range(0, len(flat) - n_columns + 1, n_columns)]


def prompt_dialog(gui, title, question):
    """The showing prompt of step @title whose question contains @question, or None."""
    for node in gui.app.children:
        if node.roleName not in ("dialog", "alert") or node.name != title or not node.showing:
            continue
        label = gui.find(node, "label", "Question")
        if label is not None and question in (label.text or ""):
            return node
    return None


def wait_closed(gui, node, what):
    def closed():
        try:
            return not node.showing
        except Exception:  # the dialog is gone from the accessibility tree
            return True
    gui.wait_for(closed, what)


def answer(gui, title, question, reply):
    """Answers the prompt: a string for a text or password, ("numbers", "1 2") for a
    list, True/False for Yes/No."""
    dialog = gui.wait_for(lambda: prompt_dialog(gui, title, question),
                          "the prompt \"%s\" of %s" % (question, title))
    if reply is True or reply is False:
        gui.click(dialog, "Yes" if reply else "No")
    elif isinstance(reply, tuple):
        gui.set_text(dialog, "Numbers", reply[1])
        gui.click(dialog, "OK")
    else:
        entry = gui.find(dialog, "password text", "Password") or gui.get(dialog, "text", "Answer")
        entry.text = reply
        gui.click(dialog, "OK")
    wait_closed(gui, dialog, "the prompt \"%s\" to close" % question)


def run_step(gui, title, answers=(), button_role="push button", expect="done."):
    """Clicks the button of a step, answers its prompts in order and waits for its line in
    the activity log; returns that line."""
    before = log_text(gui).count("\n")
    gui.click(main(gui), title, role=button_role)
    for question, reply in answers:
        answer(gui, title, question, reply)

    def finished():
        lines = log_text(gui).split("\n")[before:]
        for line in lines:
            if line.startswith(title + ": "):
                return line
        return None
    line = gui.wait_for(finished, "%s to finish" % title)
    # A failure also shows a dialog a person can read; close it after noting the text.
    if not line.endswith(expect):
        # A failure also shows a dialog a person can read: its text goes in the report.
        alert = gui.toplevel(("alert",), title)
        shown = gui.close_alert(title) if alert is not None else ""
        raise AssertionError("%s: the log says \"%s\"; the dialog says \"%s\""
                             % (title, line, shown))
    return line


def card_request(gui, title):
    """The showing "insert/remove a card" dialog of step @title, or None."""
    for node in gui.app.children:
        if node.name == title and node.showing and node.roleName in ("dialog", "alert"):
            if gui.find(node, "label", "Card request") is not None:
                return node
    return None


def step_line(gui, title, before):
    for line in log_text(gui).split("\n")[before:]:
        if line.startswith(title + ": "):
            return line
    return None


def use_source(gui, label):
    menu = gui.get(main(gui), "menu", "Key files")
    menu.doActionNamed("click")
    item = gui.wait_for(lambda: gui.find(menu, "radio menu item", label), label)
    item.doActionNamed("click")


def use_key_files(gui):
    menu = gui.get(main(gui), "menu", "Key files")
    menu.doActionNamed("click")
    item = gui.wait_for(lambda: gui.find(menu, "radio menu item",
                                         "Key files sign and hold key parts"),
                        "the Key files radio item")
    item.doActionNamed("click")


def menu_step(gui, menu, item, answers):
    before = log_text(gui).count("\n")
    gui.menu(main(gui), menu, item)
    for question, reply in answers:
        answer(gui, item, question, reply)
    gui.wait_for(lambda: any(line.startswith(item + ": done.")
                             for line in log_text(gui).split("\n")[before:]),
                 "%s to finish" % item)


def shot(gui, name):
    # Let GTK repaint what a prompt that just closed covered (not an assertion).
    time.sleep(0.5)
    gui.screenshot(name, MAIN)


def column(table_rows, index):
    return [row[index] for row in table_rows]


def mk_states(gui):
    """{(unit, register): (status, verification pattern)} of the Master keys table."""
    return {(row[0], row[1]): (row[2], row[3]) for row in rows(gui, "Master keys table", 4)}


# ---- the smart card ceremony of seed 003 ----------------------------------------------

CA_PINS = ("135790", "246802")
CARD_PINS = {"admin1": "111111", "admin2": "222222", "part1": "333333", "part2": "444444",
             "admin1-copy": "555555", "part1-copy": "666666", "from-files": "777777",
             "stranger": "888888"}
# The zones of the ceremony: the CA card, the zone's description and its EP11 cards.  The
# copies and the card for the key files are empty cards of the test zone; "stranger" is
# an EP11 card of another zone, which a copy must refuse.
ZONES = [
    ("ca", "Test zone", ["admin1", "admin2", "part1", "part2", "admin1-copy", "part1-copy",
                         "from-files"]),
    ("ca-other", "Other zone", ["stranger"]),
]


class Cards:
    """The Smart Card Utility's part (CA card, EP11 cards enrolled and personalized), done
    with tkectl and tke-vcard beside the running tke: tke itself starts at seed 003."""

    def __init__(self, gui):
        build = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(gui.app_path))))
        self.tkectl = os.path.join(build, "tke-app", "cli", "tkectl")
        self.vcard = os.path.join(build, "applets", "tke-vcard")
        # The cards are set up on the deck itself, also when tke reaches it through pcscd.
        self.env = dict(os.environ, OPENTKE_CARD_BACKEND="virtual")

    def vc(self, *args):
        subprocess.run([self.vcard] + list(args), env=self.env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def tkectl_run(self, args, answers, pins):
        for reader, pin in pins:
            self.vc("pinpad", "--reader", str(reader), pin)
        done = subprocess.run([self.tkectl] + args, input="".join(a + "\n" for a in answers),
                              env=self.env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, "tkectl %s: %s" % (" ".join(args), done.stderr)

    def setup_zone(self, ca, zone, card_pins):
        """A new zone: the CA card @ca with CA_PINS, and the EP11 cards of @card_pins
        ({name: PIN}) enrolled and personalized; every card ends in no reader."""
        for card in [ca] + list(card_pins):
            self.vc("new", card)
        self.vc("insert", ca, "--reader", "2")
        self.tkectl_run(["ca-init"], [zone, "CA card of " + zone],
                        [(2, CA_PINS[0]), (2, CA_PINS[0]), (2, CA_PINS[1]), (2, CA_PINS[1])])
        self.vc("remove", "--reader", "2")
        self.vc("insert", ca, "--reader", "1")
        for card, pin in card_pins.items():
            self.vc("insert", card, "--reader", "2")
            self.tkectl_run(["ep11-init"], [], [(1, CA_PINS[0]), (1, CA_PINS[1])])
            self.tkectl_run(["ep11-personalize"], [card + " card"], [(2, pin), (2, pin)])
            self.vc("remove", "--reader", "2")
        self.vc("remove", "--reader", "1")

    def setup(self):
        for ca, zone, cards in ZONES:
            self.setup_zone(ca, zone, {card: CARD_PINS[card] for card in cards})


def wait_readers_empty(gui):
    """Waits until the deck window and tke's status area show both readers empty, as
    tke-vcard left them: both windows read the deck again on their own, and a person
    waits for them to catch up.  (Removing a card that the deck window still shows from
    before would race with its next look at the deck: its Remove button would go
    insensitive under the click.)"""
    for reader in (1, 2):
        gui.wait_text(gui.deck(), "Virtual reader %d card" % reader, "No card")
        gui.wait_text(main(gui), "Reader %d card" % reader, "No smart card inserted")


def deck_insert(gui, card, reader):
    """Inserts @card into @reader with its button in the Virtual card deck window, also when
    the deck's list of cards is longer than the window and the button is scrolled away."""
    deck = gui.deck()
    name = "Insert %s into reader %d" % (card, reader)
    button = gui.wait_for(lambda: gui.find(deck, "push button", name, showing=False),
                          "push button \"%s\"" % name)
    gui.wait_for(lambda: button.sensitive, "push button \"%s\" to be sensitive" % name)
    button.doActionNamed("click")
    gui.wait_text(deck, "Virtual reader %d card" % reader, "Card: %s" % card)


def deck_swap(gui, reader, card):
    gui.deck_remove(reader)
    deck_insert(gui, card, reader)


def in_reader(gui, reader):
    text = gui.text(gui.deck(), "Virtual reader %d card" % reader) or ""
    return text[len("Card: "):] if text.startswith("Card: ") else None


def drive_once(gui, title, before, answers, queues, state):
    """One look at the screen during drive(): the step's log line when it has ended,
    else None after doing at most one thing the person at the readers would do."""
    line = step_line(gui, title, before)
    if line is not None:
        return line
    lines = log_text(gui).split("\n")[before:]
    pin_requests = [l for l in lines if l.startswith("PIN pad of reader ")]
    if len(pin_requests) > state["pins_typed"]:
        reader = int(pin_requests[state["pins_typed"]][len("PIN pad of reader ")])
        card = in_reader(gui, reader)
        assert card in CARD_PINS, "a PIN for %s in reader %d" % (card, reader)
        if "pin" in state["shots"]:  # the prompt, and the whole screen with the deck beside
            name = state["shots"].pop("pin")
            gui.wait_for(lambda: gui.toplevel(("dialog",), PIN_PAD_PROMPT % reader),
                         "the PIN-pad prompt of reader %d" % reader)
            gui.screenshot(name, PIN_PAD_PROMPT % reader)
            gui.screenshot(name + "-screen")
        gui.pin_pad(reader, CARD_PINS[card])
        state["pins_typed"] += 1
        return None
    request = card_request(gui, title)
    if request is not None:
        text = gui.text(request, "Card request")
        reader = int(text.rstrip(".")[-1])
        if "request" in state["shots"]:
            gui.screenshot(state["shots"].pop("request"), title)
        if text.startswith("Remove"):
            gui.deck_remove(reader)
        else:
            assert queues.get(reader), "%s: unplanned card request: %s" % (title, text)
            deck_swap(gui, reader, queues[reader][0])
            queues[reader].pop(0)  # only once the card is in
        wait_closed(gui, request, "the card request to go on")
        return None
    for node in gui.app.children:
        if node.name == title and node.showing and gui.find(node, "label", "Question"):
            question = gui.text(node, "Question")
            assert answers, "%s: unplanned question: %s" % (title, question)
            for words in [w for w in state["shots"] if w in question]:
                gui.screenshot(state["shots"].pop(words), title)
            for words in [w for w in state["checks"] if w in question]:
                state["checks"].pop(words)(gui)
            answer(gui, title, question, answers[0])
            answers.pop(0)  # only once answered
            break
    return None


def drive(gui, title, answers=(), reader_cards=None, menu=None, shots=None, checks=None):
    """Runs step @title to its end as the person at the readers: answers the prompts from
    @answers in order, puts the next card of @reader_cards[N] into reader N when asked,
    takes a card out when asked, and types the PIN of the card in the reader on the
    on-screen PIN pad whenever tke asks for it.  @shots names screenshots to take on the
    way: "pin" the PIN-pad prompt (and NAME-screen the whole screen) at the first PIN request, "request" the first card request
    dialog, any other key the dialog of the first question that contains it.  @checks maps
    words of a question to a function(gui) that asserts what the screen shows while that
    question waits; each must have run by the end of the step.  Returns the step's line
    in the log."""
    answers = list(answers)
    queues = {n: list(cards) for n, cards in (reader_cards or {}).items()}
    before = log_text(gui).count("\n")
    if menu:
        gui.menu(main(gui), menu, title)
    else:
        gui.click(main(gui), title)
    deadline = time.monotonic() + 120
    state = {"pins_typed": 0, "shots": dict(shots or {}), "checks": dict(checks or {})}
    while time.monotonic() < deadline:
        try:
            line = drive_once(gui, title, before, answers, queues, state)
        except AssertionError:
            raise
        except Exception:  # a dialog closed while we looked at it: look again
            line = None
        if line is not None:
            assert not state["checks"], "%s: no question asked for %s" % (
                title, ", ".join(state["checks"]))
            return line
        time.sleep(0.2)
    raise AssertionError("%s did not finish" % title)


def expect_done(line, title):
    assert line == title + ": done.", line




def expect_refused(gui, title, line, message):
    """The step ended with @message in the log and in a dialog a person can read."""
    assert line == "%s: %s" % (title, message), line
    shown = gui.close_alert(title)
    assert message in shown, shown


def display_card(gui):
    """Display smart card on the card in reader 2: the text tke shows."""
    expect_done(drive(gui, "Display smart card"), "Display smart card")
    return gui.get(main(gui), "text", "Smart card contents").text


def show_card_keys(gui):
    """Scrolls the Smart card contents box to its end (signature key and key parts), for
    a screenshot (the caret moved through AT-SPI).  The box is tall enough for a card
    with a few key parts; a card with more scrolls."""
    view = gui.get(main(gui), "text", "Smart card contents")
    text = view.queryText()
    text.setCaretOffset(text.characterCount)


def card_field(text, field):
    """The value of a "Field:   value" line of Display smart card."""
    for line in text.split("\n"):
        if line.startswith(field + ":"):
            return line[len(field) + 1:].strip()
    raise AssertionError("no %s in %s" % (field, text))


def card_keys(text):
    """What Display smart card says of the card's signature key and key parts (names,
    SKI, descriptions, verification patterns): the part a copy must show the same."""
    return text[text.index("Signature key:"):]


def log_value(gui, before, prefix, name):
    """The value in the log line after @before that starts with @prefix: the text
    between "(@name " and ")"."""
    for line in log_text(gui).split("\n")[before:]:
        if line.startswith(prefix) and "(%s " % name in line:
            return line[line.index("(%s " % name) + len(name) + 2:].rstrip(").")
    raise AssertionError("no line \"%s...(%s ...)\" in the log" % (prefix, name))
