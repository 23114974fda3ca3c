"""GUI test of tke, the TKE application: the key ceremony of seed 003 through the five
tabs, on the virtual card deck and the local service instance, asserting after each step
what the tables show.  Run by tests/gui/gui-runner.py, which sets up Xvfb, D-Bus, AT-SPI
and a temporary deck and workstation, and imports this module after it did.

The ceremony runs twice on units 1 and 2: first with key files (seed 002's approach,
chosen in the Key files menu) through every button, then with smart cards as seed 003
does it: the cards are set up with tkectl and tke-vcard (the Smart Card Utility's part),
then tke generates the signature keys and key parts on them, adds the administrators
from the cards in reader 1, and loads the parts from the cards in reader 2, the test
moving the cards in the Virtual card deck window and typing the PINs on its PIN pads.
Each tab is saved as a screenshot (tke-*.png) for docs/tke-guide.md.
"""
import os
import subprocess
import time

import pyatspi

# Key files with a cheap KDF: the test is about the GUI, not the KDF's cost.
os.environ["OPENTKE_KEYFILE_KDF_LOG2N"] = "10"

MAIN = "Trusted Key Entry"
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
    # Without a compositor the place of a prompt that just closed is black until GTK
    # repaints it; a full second covers a slow sanitizer build.  (Not an assertion.)
    time.sleep(1)
    gui.screenshot(name, MAIN)


def column(table_rows, index):
    return [row[index] for row in table_rows]


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
    assert "EP11 smart card" in text and "No signature key" in text, text
    assert "0 master key parts" in text, text
    gui.deck_remove(2)


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


def mk_states(gui):
    """{(unit, register): (status, verification pattern)} of the Master keys table."""
    return {(row[0], row[1]): (row[2], row[3]) for row in rows(gui, "Master keys table", 4)}


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
    ("Compare finds the selected units the same", test_compare),
    ("Cancel in the card request stops a step without an error", test_card_request_cancel),
    ("Display smart card goes on by itself when the card is inserted",
     test_display_card_waits_for_card),
    ("Key files: two signature keys, three key parts, signing keys selected", test_key_files),
    ("Add administrator adds alice and bob to both units", test_add_administrators),
    ("Change signature thresholds leaves imprint mode", test_thresholds),
    ("Load fills the new register with the same key in both units", test_load),
    ("Commit moves the new register to Full committed", test_commit),
    ("Set immediate: No keeps the registers as they are", test_set_immediate_no_keeps_state),
    ("Set immediate: Yes makes the key current and Valid", test_set_immediate),
    ("Rotate: a second key loaded, committed and rotated in", test_rotate),
    ("Clear new empties the new register only", test_clear_new),
    ("Imprint mode > Zeroize crypto unit returns the units to imprint mode", test_zeroize),
    ("a screenshot of every tab", test_screenshots_of_tabs),
]


# ---- the smart card ceremony of seed 003 ----------------------------------------------

CA_PINS = ("135790", "246802")
CARD_PINS = {"admin1": "111111", "admin2": "222222", "part1": "333333", "part2": "444444"}


class Cards:
    """The Smart Card Utility's part (CA card, EP11 cards enrolled and personalized), done
    with tkectl and tke-vcard beside the running tke: tke itself starts at seed 003."""

    def __init__(self, gui):
        build = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(gui.app_path))))
        self.tkectl = os.path.join(build, "tke-app", "cli", "tkectl")
        self.vcard = os.path.join(build, "applets", "tke-vcard")
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

    def setup(self):
        for card in ["ca"] + list(CARD_PINS):
            self.vc("new", card)
        self.vc("insert", "ca", "--reader", "2")
        self.tkectl_run(["ca-init"], ["Test zone", "CA card"],
                        [(2, CA_PINS[0]), (2, CA_PINS[0]), (2, CA_PINS[1]), (2, CA_PINS[1])])
        self.vc("remove", "--reader", "2")
        self.vc("insert", "ca", "--reader", "1")
        for card, pin in CARD_PINS.items():
            self.vc("insert", card, "--reader", "2")
            self.tkectl_run(["ep11-init"], [], [(1, CA_PINS[0]), (1, CA_PINS[1])])
            self.tkectl_run(["ep11-personalize"], [card + " card"], [(2, pin), (2, pin)])
            self.vc("remove", "--reader", "2")
        self.vc("remove", "--reader", "1")


def in_reader(gui, reader):
    text = gui.text(gui.deck(), "Virtual reader %d card" % reader) or ""
    return text[len("Card: "):] if text.startswith("Card: ") else None


def drive(gui, title, answers=(), reader_cards=None, menu=None):
    """Runs step @title to its end as the person at the readers: answers the prompts from
    @answers in order, puts the next card of @reader_cards[N] into reader N when asked,
    takes a card out when asked, and types the PIN of the card in the reader on the
    on-screen PIN pad whenever tke asks for it.  Returns the step's line in the log."""
    answers = list(answers)
    queues = {n: list(cards) for n, cards in (reader_cards or {}).items()}
    before = log_text(gui).count("\n")
    pins_typed = 0
    if menu:
        gui.menu(main(gui), menu, title)
    else:
        gui.click(main(gui), title)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = step_line(gui, title, before)
        if line is not None:
            return line
        lines = log_text(gui).split("\n")[before:]
        pin_requests = [l for l in lines if l.startswith("PIN pad of reader ")]
        if len(pin_requests) > pins_typed:
            reader = int(pin_requests[pins_typed][len("PIN pad of reader ")])
            card = in_reader(gui, reader)
            assert card in CARD_PINS, "a PIN for %s in reader %d" % (card, reader)
            gui.pin_pad(reader, CARD_PINS[card])
            pins_typed += 1
            continue
        request = card_request(gui, title)
        if request is not None:
            text = gui.text(request, "Card request")
            reader = int(text.rstrip(".")[-1])
            if text.startswith("Remove"):
                gui.deck_remove(reader)
            else:
                assert queues.get(reader), "%s: unplanned card request: %s" % (title, text)
                gui.deck_swap(reader, queues[reader].pop(0))
            wait_closed(gui, request, "the card request to go on")
            continue
        for node in gui.app.children:
            if node.name == title and node.showing and gui.find(node, "label", "Question"):
                assert answers, "%s: unplanned question: %s" % (
                    title, gui.text(node, "Question"))
                reply = answers.pop(0)
                question = gui.text(node, "Question")
                answer(gui, title, question, reply)
                break
        time.sleep(0.2)
    raise AssertionError("%s did not finish" % title)


def expect_done(line, title):
    assert line == title + ": done.", line


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
        assert "Signature key of %s" % card in text, text
    gui.deck_remove(2)


def test_generate_key_parts(gui):
    for card in ("part1", "part2"):
        gui.deck_swap(2, card)
        expect_done(drive(gui, "Generate key part", ["card key part"]), "Generate key part")
        expect_done(drive(gui, "Display smart card"), "Display smart card")
        text = gui.get(main(gui), "text", "Smart card contents").text
        assert "1 master key part" in text and "card key part" in text, text
    gui.deck_remove(2)
    shot(gui, "tke-smart-card-display")


def test_admins_from_cards(gui):
    open_tab(gui, "Administrators")
    for card in ("admin1", "admin2"):
        gui.deck_remove(1)
        expect_done(drive(gui, "Add administrator", reader_cards={1: [card]}),
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


CASES += [
    ("cards: CA card and four EP11 cards set up (tkectl beside tke)", test_card_setup),
    ("Smart card tab: Generate signature key on two cards in reader 2",
     test_generate_signature_keys),
    ("Smart card tab: Generate key part on two cards in reader 2", test_generate_key_parts),
    ("Add administrator from the card in reader 1, twice", test_admins_from_cards),
    ("Change signature thresholds signed by two admin cards", test_thresholds_with_cards),
    ("Load from key part cards in reader 2, Commit, Set immediate, signed by cards",
     test_load_commit_set_immediate_with_cards),
]
