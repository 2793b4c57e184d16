"""The participant-facing texts of the platform, by the key the code asks for them.

Each text is marked with `N_()` so that `make translations` extracts it into the gettext
catalogs (`survey_server/locale/`); the English here is the message id. `{name}`
placeholders in the e-mail wordings are filled by `mail_templates.fill` (managers edit
those texts); every other text takes `%(name)s` placeholders.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 (the name extractors look for)
    """Marks a text for extraction; it is translated where it is shown."""
    return message


TEXTS: dict[str, str] = {
    "skip.link": N_("Skip to the questions"),
    "language.switch": N_("Language"),
    "language.unavailable": N_(
        "This questionnaire is not available in %(language)s yet, so it is shown in %(shown)s."
    ),
    "page.step": N_("Step %(current)s of %(total)s"),
    "page.other": N_("Other questions"),
    "page.intro_heading": N_("Before you start"),
    "page.error_title_prefix": N_("Error: "),
    "intro.resume": N_("Your previous answers were saved. You can continue where you stopped."),
    "intro.saving": N_(
        "Your answers are saved each time you move to another page, so you can stop and come "
        "back later with the same link."
    ),
    "button.start": N_("Start"),
    "button.continue": N_("Continue"),
    "button.next": N_("Next"),
    "button.back": N_("Back"),
    "button.submit": N_("Submit answers"),
    "button.save": N_("Save"),
    "field.optional": N_("(optional)"),
    "field.yes": N_("Yes"),
    "field.no": N_("No"),
    "field.number_hint": N_("Enter a number."),
    "field.number_range": N_("Enter a number from %(min)s to %(max)s."),
    "scale.order": N_("The answers go in order from “%(first)s” to “%(last)s”."),
    "card.invite": N_(
        "You are invited to give your view of this pilot. Your answers are confidential."
    ),
    "card.how": N_(
        "Scan the QR code with your phone's camera, or go to %(address)s and type this "
        "code: %(code)s"
    ),
    "card.scan": N_("Scan the code with your phone's camera, or type the address below."),
    "card.closes": N_("Open until %(date)s."),
    "code.title": N_("Open your questionnaire"),
    "code.intro": N_("Type the code printed on your invitation card."),
    "code.label": N_("Your code"),
    "code.hint": N_("For example %(example)s. Capital or small letters, with or without the dash."),
    "code.button": N_("Open the questionnaire"),
    "code.language_button": N_("Change language"),
    "code.shape": N_(
        "A code has 10 letters and digits, like %(example)s. Check the code on your card "
        "and type it again."
    ),
    "code.unknown": N_(
        "This code is not valid. Check it against your card and type it again. If it still "
        "does not work, contact the person who invited you."
    ),
    "code.throttled": N_(
        "Too many wrong codes were typed from this connection. Wait %(minutes)s minutes, "
        "then try again."
    ),
    "field.choose_any": N_("Select all that apply."),
    "field.text_limit": N_("Up to 5000 characters."),
    "errors.heading": N_("There is a problem"),
    "error.required": N_("Answer this question to continue."),
    "error.choose": N_("Choose one of the options."),
    "error.number": N_("Enter a number, for example 12 or 7.5."),
    "error.min": N_("Enter a number of at least %(min)s."),
    "error.max": N_("Enter a number of at most %(max)s."),
    "error.text": N_("Enter text."),
    "error.too_long": N_("Use at most %(max)s characters."),
    "error.no_answer": N_("This item takes no answer."),
    "error.invalid": N_("Check this answer."),
    "autosave.saved": N_("Draft saved"),
    "autosave.failed": N_(
        "Could not save the draft; your answers will be saved when you continue."
    ),
    "done.title": N_("Thank you"),
    "done.heading": N_("Thank you, your answers were received"),
    "done.text": N_("Your answers for this round were submitted on %(date)s."),
    "done.again": N_("The answers of this round are complete, so the form is not shown again."),
    "message.unknown.title": N_("Link not valid"),
    "message.unknown.text": N_(
        "This link is not valid. Check that you copied the complete link from your "
        "invitation. If it still does not work, contact the person who invited you."
    ),
    "message.closed.title": N_("Survey closed"),
    "message.closed.text": N_(
        "This round of the survey is closed and no longer accepts answers. Thank you for "
        "your interest."
    ),
    "message.not_yet_open.title": N_("Survey not open yet"),
    "message.not_yet_open.text": N_(
        "This round of the survey is not open yet. Please come back with the same link when "
        "it opens."
    ),
    "mail.invitation.subject": N_("Your survey about {pilot}"),
    "mail.invitation.body": N_(
        "Hello {name},\n\nYou are taking part in {pilot}. Please tell us how it is going for "
        "you: the questionnaire takes about 10 minutes, works on a phone, and your answers "
        "are confidential. It is open until {closing_date}.\n\nYour personal link (please do "
        "not share it):\n{link}\n\nYou can stop and come back later with the same link.\n\n"
        "Questions? {contact}\n"
    ),
    "mail.reminder.subject": N_("Reminder: your survey about {pilot}"),
    "mail.reminder.body": N_(
        "Hello {name},\n\nIf you have already answered, thank you: you do not need to do "
        "anything else.\n\nIf not, there is still time until {closing_date}. Your answers "
        "help decide what happens next with {pilot}.\n\nYour personal link:\n{link}\n\n"
        "Questions? {contact}\n"
    ),
    "mail.name_fallback": N_("there"),
    "mail.no_closing_date": N_("the end of this survey round"),
    "mail.contact_fallback": N_("Reply to the person who invited you."),
    "mail.anonymous_note": N_(
        "This survey is anonymous: nothing records who has answered, so this message goes to "
        "everyone and carries a new link. If you have already answered, thank you; please do "
        "not answer a second time."
    ),
    "mail.opt_out": N_("To stop receiving e-mails about this survey, open: %(link)s"),
    "optout.title": N_("Stop e-mails about this survey"),
    "optout.text": N_(
        "You will receive no more invitations or reminders about %(pilot)s. Your answers, if "
        "you gave any, are kept."
    ),
    "optout.button": N_("Stop the e-mails"),
    "optout.done.title": N_("You will receive no more e-mails"),
    "optout.done.text": N_(
        "We have stopped the invitations and reminders about %(pilot)s to your address. You "
        "do not need to do anything else."
    ),
    "privacy.linked.heading": N_("Your answers are confidential"),
    "privacy.linked.text": N_(
        "What is kept: your answers, under a code number instead of your name. Your link "
        "pairs your answers from before and after the pilot, so that the change can be "
        "measured, and lets you continue where you stopped. The pilot team can see which "
        "links have not answered yet, to send reminders. Reports show only the results of "
        "groups of participants, never who answered what."
    ),
    "privacy.anonymous.heading": N_("Your answers are anonymous"),
    "privacy.anonymous.text": N_(
        "What is kept: your answers, and nothing that says who you are. Your link works for "
        "this round only and lets you continue where you stopped; it is not tied to your "
        "name, and nothing connects these answers with another round. Reports show only the "
        "results of groups of participants."
    ),
    "intro.saving_one_page": N_(
        "The questions fit on one page. Your answers are saved as you answer, so you can "
        "stop and come back later with the same link."
    ),
    "page.welcome_back": N_("Welcome back, your answers are saved."),
    "field.optional_word": N_("Optional"),
    "errors.item": N_("Question %(number)s: %(message)s"),
    "short.required.choice": N_("choose an answer"),
    "short.required.number": N_("enter a number"),
    "short.required.text": N_("write an answer"),
    "short.choose": N_("choose one of the options"),
    "short.number": N_("enter a number"),
    "short.min": N_("enter %(min)s or more"),
    "short.max": N_("enter %(max)s or less"),
    "short.text": N_("write an answer"),
    "short.too_long": N_("use at most %(max)s characters"),
    "short.invalid": N_("check the answer"),
    "done.finished": N_("You do not need to do anything else. You can close this page."),
    "done.next.heading": N_("There is a second round"),
    "done.next.text": N_("The same link opens the questionnaire %(round)s."),
    "done.next.text_plain": N_("The same link opens the questionnaire after the pilot."),
    "done.next.when": N_("It opens on %(date)s."),
    "done.next.undated": N_("Its date is not set yet."),
    "done.next.link_label": N_("Your link (keep it for the second round)"),
    "done.next.copy": N_("Copy link"),
    "done.next.copied": N_("Link copied"),
    "done.next.calendar": N_("Add to calendar (.ics)"),
    "calendar.summary": N_("Second round: %(title)s"),
    "calendar.description": N_(
        "The survey's second round is open. Your personal link (please do not share it): %(link)s"
    ),
    "message.window": N_("This round is open from %(opens)s to %(closes)s."),
    "message.opens": N_("This round opens on %(date)s."),
    "message.closed_on": N_("It closed on %(date)s."),
    "message.contact": N_("Questions about this survey? %(contact)s"),
    "footer.contact": N_("Questions about this survey? %(contact)s"),
}
