"""Every message the engine can say, as English msgids.

The engine never translates: the app passes each message through gettext on its way out,
and ``app/translations/zh_CN/parts/sync.po`` holds the Chinese a guard reads.
"""


def N_(message: str) -> str:
    """Mark a msgid for extraction (``pybabel extract`` knows ``N_``); translate later."""
    return message


# field-level, for the phone's "needs attention" list
REQUIRED = N_("Please fill in this field.")
NOT_TEXT = N_("Please enter text here.")
TOO_LONG = N_("This text is too long.")
NOT_A_NUMBER = N_("Please enter a number.")
NOT_YES_NO = N_("Please choose yes or no.")
NOT_AN_ID = N_("This reference is not valid.")
NOT_A_LIST = N_("This list is not valid.")
TIME_INVALID = N_("The time is not valid.")
TIME_NO_ZONE = N_("The time must include the time zone.")
SITE_REQUIRED = N_("Please choose the site.")
VISITOR_NAME_REQUIRED = N_("Please enter the visitor's name.")
PURPOSE_INVALID = N_("Please choose the purpose of the visit.")
PARTY_SIZE_INVALID = N_("Please enter how many people came (1 to 99).")
PHONE_INVALID = N_("The phone number is not valid.")
ID_NUMBER_INVALID = N_("The ID number is not valid.")
ID_CHECK_FAILED = N_("The last character of this ID number does not match the others: check each digit against the card.")
ID_NOT_RESIDENT = N_("A resident ID card number has 18 characters: 17 digits, then a digit or X.")
ID_WITH_NO_DOCUMENT = N_("You chose no document: leave the number empty, or choose the document shown.")
ID_KIND_INVALID = N_("Please choose the kind of document.")
DESCRIPTION_REQUIRED = N_("Please describe what you saw.")
CATEGORY_INVALID = N_("Please choose a category.")
SEVERITY_INVALID = N_("Please choose how serious it is.")
HANDLED_REQUIRED = N_("Please say whether it was handled on the spot.")
METHOD_INVALID = N_("Please say how the checkpoint was checked (QR code or manual).")
LOCATION_INVALID = N_("The location is not valid.")
PATROL_REQUIRED = N_("The patrol is missing.")
CHECKPOINT_REQUIRED = N_("Please choose the checkpoint.")
CHECK_REQUIRED = N_("The stock check is missing.")
ITEM_REQUIRED = N_("Please choose the item.")
QTY_INVALID = N_("Please enter a quantity of 0 or more.")
DEFECTIVE_TOO_MANY = N_("The defective quantity cannot be more than the counted quantity.")
PHOTOS_INVALID = N_("The photo list is not valid.")
TOO_MANY_PHOTOS = N_("At most 9 photos.")
BASE_VERSION_REQUIRED = N_("The follow-up's version is missing; please sync and try again.")
STATUS_INVALID = N_("Please choose a valid status.")
NOTHING_TO_CHANGE = N_("Nothing to change: add a note, a status or a person.")
NOTE_REQUIRED = N_("Please write a note.")
COMPLAINT_KIND_INVALID = N_("Please choose the kind of complaint (valid, assisted, invalid or collective).")
CHANNEL_INVALID = N_("Please choose how the complaint came in.")
COMPLAINT_REQUIRED = N_("Please describe the complaint.")
HOUSEHOLDS_INVALID = N_("Please enter how many households complained (1 or more).")
COLLECTIVE_TOO_FEW = N_("A collective complaint is five or more households about the same event.")

# header-level
UNKNOWN_TYPE = N_("This kind of record is not known to the server; please update the app.")
SEQ_INVALID = N_("The record's sequence number is not valid.")
OTHER_USER = N_("This record was made by another user; sign in as that user to send it.")
NOT_AT_THIS_POST = N_("This person does not work at this post's site.")
NO_SHIFT_OPEN = N_("No shift of this person was open on this phone at that time.")
SHIFTS_ON_POST_PHONES = N_("Shifts are started and ended on a post's phone.")
SHIFT_NOT_YOURS = N_("This shift is someone else's.")
INSIDE_COUNT_INVALID = N_("Please give how many visitors are inside (0 or more).")
MUTATION_ID_REUSED = N_("This record's id was already used for a different record; please record it again.")

# rules checked against what the server holds
OTHER_SITE = N_("You are not posted to this site.")
UNKNOWN_ROUTE = N_("This route does not exist at this site.")
UNKNOWN_CHECKPOINT = N_("This checkpoint does not belong to this site.")
UNKNOWN_STORE = N_("This store does not exist at this site.")
UNKNOWN_ITEM = N_("This item is not in this store.")
ENTITY_EXISTS = N_("This record was already sent by another entry.")
WRONG_KIND = N_("This id belongs to a different kind of record.")
NOT_YOUR_PATROL = N_("This patrol belongs to someone else.")
VISIT_OTHER_SITE = N_("This visit was registered at another site.")
FOLLOWUP_NOT_FOUND = N_("This follow-up does not exist or is not yours to change.")
BASE_VERSION_AHEAD = N_("This follow-up version is unknown to the server; please sync and try again.")
ASSIGNEE_INVALID = N_("This person cannot take follow-ups at this site.")
TOO_DEEP = N_("This record is nested too deeply to be read.")
BAD_CHARACTERS = N_("This text contains characters that cannot be stored; please type it again.")
NUMBER_TOO_LARGE = N_("This number is too large.")
POLICY_WORK = N_("Only the person it is assigned to, or their team leader, can start or resolve this follow-up.")
POLICY_NOTE = N_("Only the people handling this follow-up, their team leader or a manager can add notes.")
POLICY_DIRECT = N_("Only a team leader or a manager can reassign this follow-up or change its due time.")
POLICY_JUDGE = N_("Only the service-centre manager, a supervisor or the quality department can verify, close or reopen a follow-up.")
POLICY_QUALITY = N_("This follow-up was escalated to the quality department: only they can close or reopen it.")
POLICY_STEP = N_("This cannot be done while the follow-up is in its current status.")
REPEAT_OTHER_SITE = N_("The earlier complaint was made at another site.")
REPEAT_OF_ITSELF = N_("A complaint cannot repeat itself.")

# request-level (422 details)
DEVICE_ID_INVALID = N_("The device id is not valid.")
CLIENT_TIME_INVALID = N_("The phone's clock reading (client_time) is missing or not valid.")
MUTATIONS_INVALID = N_("The mutations must be a list of objects.")
MUTATION_ID_INVALID = N_("Each mutation needs an id (a UUID).")
PENDING_INVALID = N_("The number of waiting records is not valid.")
CURSOR_INVALID = N_("The sync position is not valid; sync again from the start.")
UNKNOWN_FIELD = N_("This field is not known.")

# conflicts, shown to supervisors
CONFLICT_LATER_WINS = N_("A later change by time was kept.")
CONFLICT_STATUS_SKIPPED = N_("This status change did not fit the follow-up's state at that time.")
CONFLICT_SECOND_COUNT = N_("The item was counted twice in this check; the later count stands.")
CONFLICT_CHECKOUT = N_("The visitor was checked out twice; the earlier time stands.")

# what a complaint's follow-up asks of its owner (kept in its detail)
CONTACT_OWNER = N_("Contact the owner within 2 hours and agree a reply time.")
EXPLAIN_INVALID = N_("Reply to the owner within 2 hours and explain patiently.")
SPECIAL_EVENT_REPORT = N_("Collective complaint: report to the service-centre manager at once, "
                          "write a special event report and reply by a home visit.")
WRITTEN_REPLY = N_("Written complaint: reply in writing.")
DEVELOPER_REPORT_BACK = N_("Transferred by the developer's service centre: report the result back "
                           "within 12 hours of handling it.")
REPEAT_REVIEW = N_("Repeat complaint: the customer-service supervisor reviews the earlier handling.")
