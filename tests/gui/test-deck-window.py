"""The "Virtual card deck" window (shared by scup and tke), driven through scup --virtual:
cards, insert/remove in reader 1 and 2, the on-screen PIN pads and their queues, and the
reader status area of the main window that follows the deck."""

MAIN = "Smart Card Utility Program"


def opens_marked_as_test_device(gui):
    gui.start()
    gui.window(MAIN)
    deck = gui.deck()
    warning = gui.text(deck, "Test device warning")
    assert "TEST DEVICE" in warning, warning
    assert gui.deck_dir in warning, warning
    gui.wait_text(deck, "Virtual reader 1 card", "No card")
    gui.wait_text(deck, "Virtual reader 2 card", "No card")
    gui.screenshot("scup-deck-window", "Virtual card deck (test device)")


def makes_new_blank_cards(gui):
    gui.deck_new_card("card-a")
    gui.deck_new_card("card-b")
    gui.click(gui.deck(), "Show card-a")
    contents = gui.wait_for(lambda: gui.get(gui.deck(), "text", "Card contents").text,
                            "the contents of card-a")
    assert "blank" in contents.lower(), contents


def refuses_a_bad_or_duplicate_name(gui):
    deck = gui.deck()
    gui.set_text(deck, "New card name", "../escape")
    gui.click(deck, "New card")
    gui.wait_for(lambda: gui.text(deck, "Deck message"), "an error message for a bad name")
    assert gui.find(deck, "push button", "Insert ../escape into reader 1") is None
    gui.set_text(deck, "New card name", "card-a")
    gui.click(deck, "New card")
    gui.wait_for(lambda: "exist" in gui.text(deck, "Deck message").lower(),
                 "the deck to refuse a second card-a")


def insert_shows_in_the_reader_status(gui):
    gui.deck_insert("card-a", 2)
    main = gui.window(MAIN)
    gui.wait_text(main, "Reader 2 card", "Card inserted")
    gui.wait_text(main, "Reader 2 card type", "Blank card")
    gui.wait_text(main, "Reader 1 card", "No smart card inserted")


def a_card_cannot_be_in_two_readers(gui):
    gui.screenshot("scup-workstation")
    deck = gui.deck()
    button = gui.get(deck, "push button", "Insert card-a into reader 1")
    gui.wait_for(lambda: not button.sensitive, "Insert card-a into reader 1 to be disabled")
    other = gui.get(deck, "push button", "Insert card-b into reader 2")
    gui.wait_for(lambda: not other.sensitive, "Insert card-b into reader 2 (occupied) disabled")


def pin_pad_keys_go_into_the_queue(gui):
    gui.pin_pad(1, "123456")
    gui.wait_for(lambda: gui.pin_queue(1) == 1, "one entry on the PIN pad of reader 1")
    gui.pin_pad_key(1, "Cancel")
    gui.pin_pad_key(1, "No answer")
    gui.wait_for(lambda: gui.pin_queue(1) == 3, "three entries on the PIN pad of reader 1")
    assert gui.pin_queue(2) == 0, "reader 2's PIN pad got reader 1's keys"
    gui.pin_pad_key(1, "empty queue")
    gui.wait_for(lambda: gui.pin_queue(1) == 0, "the queue of reader 1 to be emptied")


def pin_pad_display_never_shows_digits(gui):
    deck = gui.deck()
    for digit in "9876":
        gui.click(deck, "Reader 2 PIN pad %s" % digit)
    shown = gui.text(deck, "Reader 2 PIN pad display")
    assert len(shown) == 4 and not any(c.isdigit() for c in shown), shown
    gui.pin_pad_key(2, "Clear")
    gui.wait_for(lambda: not any(c == "\u25CF" for c in gui.text(deck, "Reader 2 PIN pad display")),
                 "the display to be cleared")
    assert gui.pin_queue(2) == 0


def remove_shows_in_the_reader_status(gui):
    gui.deck_remove(2)
    gui.wait_text(gui.window(MAIN), "Reader 2 card", "No smart card inserted")


CASES = [
    ("scup --virtual opens the deck window marked as a test device", opens_marked_as_test_device),
    ("New card makes blank cards", makes_new_blank_cards),
    ("a bad or duplicate card name is refused", refuses_a_bad_or_duplicate_name),
    ("a card inserted into reader 2 shows in the reader status", insert_shows_in_the_reader_status),
    ("a card cannot be in two readers", a_card_cannot_be_in_two_readers),
    ("the on-screen PIN pad queues OK, Cancel and No answer", pin_pad_keys_go_into_the_queue),
    ("the PIN pad display never shows the digits", pin_pad_display_never_shows_digits),
    ("removing the card shows in the reader status", remove_shows_in_the_reader_status),
]
