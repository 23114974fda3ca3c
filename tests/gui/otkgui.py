"""Helpers for the dogtail GUI tests of OpenTKE: find controls by role and accessible
name, drive the virtual card deck window, wait for what the user would see, save
screenshots.  Imported by gui-runner.py after it set up the X, D-Bus and AT-SPI session."""
import os
import subprocess
import time

from dogtail import config

config.config.logDebugToFile = False
config.config.logDebugToStdOut = False
config.config.checkForA11y = True
config.config.defaultDelay = 0.02
config.config.actionDelay = 0.02
config.config.typingDelay = 0.02
config.config.searchBackoffDuration = 0.25
config.config.searchCutoffCount = 80  # 20 s for the slowest card operation under ASan
config.config.childrenLimit = 500

from dogtail import predicate, tree  # noqa: E402  (after the configuration above)

# How long a condition may take to become true: card operations with P-521 keys run
# under the sanitizers in CI.  This bounds a wait, it is not a speed assertion.
WAIT_S = 60


class Gui:
    def __init__(self, app, app_args, artifacts, deck, log):
        self.app_path = app
        self.app_args = list(app_args)
        self.artifacts = artifacts
        self.deck_dir = deck
        self.log = log
        self.process = None
        self.app = None
        self.shots = []
        self._windows = {}
        self._controls = {}

    # ---- the program under test -----------------------------------------------------

    def start(self, *extra_args):
        name = os.path.basename(self.app_path)
        self.process = subprocess.Popen([self.app_path] + self.app_args + list(extra_args),
                                        stdout=self.log, stderr=self.log)
        self.app = self.wait_for(lambda: self._find_app(name), "%s on the accessibility bus" % name)
        return self.app

    def restart(self, *extra_args):
        """Closes the program and starts it again (the deck and the settings stay)."""
        self.close()
        self.wait_for(lambda: self.process.poll() is not None, "the program to exit")
        self._windows = {}
        self._controls = {}
        return self.start(*extra_args)

    def _find_app(self, name):
        if self.process.poll() is not None:
            raise AssertionError("%s exited with status %d (see session.log)"
                                 % (name, self.process.returncode))
        for app in tree.root.applications():
            if app.name == name:
                return app
        return None

    def close(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def assert_running(self):
        if self.process.poll() is not None:
            raise AssertionError("the program exited with status %d" % self.process.returncode)

    # ---- finding and waiting -------------------------------------------------------

    def wait_for(self, condition, what, timeout=WAIT_S):
        """Polls @condition until it returns a true value, which is returned."""
        deadline = time.monotonic() + timeout
        last_error = None
        while time.monotonic() < deadline:
            try:
                value = condition()
                if value:
                    return value
            except AssertionError:
                raise
            except Exception as error:  # the tree changes under us while we look
                last_error = error
            time.sleep(0.2)
        raise AssertionError("timed out waiting for %s%s"
                             % (what, " (%s)" % last_error if last_error else ""))

    def find(self, parent, role, name, showing=True):
        """The first descendant of @parent with @role and accessible @name, or None."""
        def match(node):
            return (node.roleName == role and node.name == name
                    and (not showing or node.showing))
        return parent.findChild(match, retry=False, requireResult=False)

    def get(self, parent, role, name):
        return self.wait_for(lambda: self.find(parent, role, name),
                             "%s \"%s\"" % (role, name))

    def toplevel(self, roles, name):
        """The showing top-level window (frame, dialog, alert) with one of @roles and
        accessible @name, or None.  Only the application's children are looked at."""
        for node in self.app.children:
            if node.roleName in roles and node.name == name and node.showing:
                return node
        return None

    def window(self, name, role="frame"):
        node = self._windows.get(name)
        if node is None or not node.showing:
            node = self.wait_for(lambda: self.toplevel((role,), name), "the window \"%s\"" % name)
            self._windows[name] = node
        return node

    def dialog(self, name):
        """A dialog or alert by title (its accessible name)."""
        return self.wait_for(lambda: self.toplevel(("dialog", "alert"), name),
                             "the window \"%s\"" % name)

    def gone(self, role, name):
        self.wait_for(lambda: self.toplevel((role,), name) is None,
                      "%s \"%s\" to close" % (role, name))

    def click(self, parent, name, role="push button"):
        node = self.get(parent, role, name)
        self.wait_for(lambda: node.sensitive, "%s \"%s\" to be sensitive" % (role, name))
        node.doActionNamed("click")
        return node

    def text(self, parent, name, role="label"):
        return self.get(parent, role, name).text

    def wait_text(self, parent, name, expected, role="label"):
        """Waits until the text of the control contains @expected; returns the text."""
        node = self.get(parent, role, name)
        return self.wait_for(lambda: expected in (node.text or "") and node.text,
                             "%s \"%s\" to show \"%s\" (it shows \"%s\")"
                             % (role, name, expected, node.text))

    def set_text(self, parent, name, value):
        node = self.get(parent, "text", name)
        node.text = value

    def menu(self, window, menu_name, item_name):
        menu = self.get(window, "menu", menu_name)
        menu.doActionNamed("click")
        item = self.wait_for(lambda: self.find(menu, "menu item", item_name),
                             "menu item \"%s\"" % item_name)
        self.wait_for(lambda: item.sensitive, "menu item \"%s\" to be sensitive" % item_name)
        item.doActionNamed("click")

    # ---- the virtual card deck window ----------------------------------------------

    def deck(self):
        return self.window("Virtual card deck (test device)")

    def deck_new_card(self, name):
        deck = self.deck()
        self.set_text(deck, "New card name", name)
        self.click(deck, "New card")
        self.get(deck, "push button", "Insert %s into reader 1" % name)

    def deck_insert(self, card, reader):
        deck = self.deck()
        self.click(deck, "Insert %s into reader %d" % (card, reader))
        self.wait_text(deck, "Virtual reader %d card" % reader, "Card: %s" % card)

    def deck_remove(self, reader):
        deck = self.deck()
        label = self.get(deck, "label", "Virtual reader %d card" % reader)
        if label.text == "No card":
            return
        self.click(deck, "Remove card from reader %d" % reader)
        self.wait_text(deck, "Virtual reader %d card" % reader, "No card")

    def deck_swap(self, reader, card):
        self.deck_remove(reader)
        self.deck_insert(card, reader)

    def pin_key_node(self, reader, key):
        """A key of the on-screen PIN pad (these buttons live as long as the window)."""
        name = "Reader %d PIN pad %s" % (reader, key)
        node = self._controls.get(name)
        if node is None:
            node = self._controls[name] = self.get(self.deck(), "push button", name)
        return node

    def pin_pad(self, reader, digits):
        """Types @digits on the on-screen PIN pad of @reader and presses OK."""
        for digit in digits:
            self.pin_key_node(reader, digit).doActionNamed("click")
        self.pin_key_node(reader, "OK").doActionNamed("click")

    def pin_pad_key(self, reader, key):
        self.pin_key_node(reader, key).doActionNamed("click")

    def pin_queue(self, reader):
        """Number of entries waiting on the virtual PIN pad of @reader."""
        text = self.text(self.deck(), "Reader %d PIN pad queue" % reader)
        return int(text.split()[0])

    def wait_pin_queue_empty(self, reader):
        self.wait_for(lambda: self.pin_queue(reader) == 0,
                      "the PIN pad of reader %d to take every entry" % reader)

    # ---- artifacts -------------------------------------------------------------------

    def screenshot(self, name, window="root"):
        """Saves the screen, or the top-level window titled @window, as ARTIFACTS/NAME.png
        and returns the path."""
        path = os.path.join(self.artifacts, name + ".png")
        time.sleep(0.3)  # let GTK finish drawing what the last action changed
        subprocess.run(["import", "-window", window, path], stdout=self.log, stderr=self.log,
                       check=False)
        self.shots.append(path)
        return path

    # ---- dialogs -------------------------------------------------------------------

    def alert_text(self, alert):
        """All the text of a message dialog."""
        labels = alert.findChildren(lambda node: node.roleName == "label")
        return "\n".join(label.text or "" for label in labels)

    def close_alert(self, title, button="Close"):
        alert = self.dialog(title)
        text = self.alert_text(alert)
        self.click(alert, button)
        self.gone(alert.roleName, title)
        return text
