"""Who may use each route of the app: one table, checked against the app by the access matrix.

Every endpoint of ``app.url_map`` must be here (``test_access_matrix.py`` fails on one that
is not, so a new route is declared when it is added), with the roles that get past its
gate. A role not listed is refused: sent to sign in when nobody is signed in (``302`` to
``/login`` at the desk, ``401`` from the API), ``403`` otherwise. A role listed gets the
route for rows of its own site and a ``404`` for another site's. ``lead`` is a guard who
leads a team; ``clerk`` the front desk's assistant; ``staff`` is a person of a post
(repair, cleaning, store, customer service).

A page asked for ``?site=`` of a site that is not the person's shows the person's own
sites (the office's lists say so in a message; a form ignores it), except the admin pages
in ``SITE_FILTER_ABSENT``, which answer ``404`` (``app/admin/lookups.site_filter``).
"""
ANONYMOUS = "anonymous"
SIGNED_IN = ("guard", "lead", "clerk", "staff", "manager", "supervisor", "admin")
ROLES = SIGNED_IN + (ANONYMOUS,)
ANYONE = ROLES
REVIEW = ("manager", "supervisor", "admin")  # app.office.access.may_review
FOLLOWUPS = ("lead", "clerk", "staff") + REVIEW  # app.office.access.may_work_followups
DESK = ("clerk",) + REVIEW  # app.office.access.may_use_desk (``staff`` here is a repair worker)
ADMIN = ("admin",)
REVEAL = ("supervisor", "admin")  # app.gate.reveal: a full number, with a reason
CHAIR = ("lead",) + REVIEW  # app.office.access.may_chair_meetings (team leads of any post)

ACCESS = {
    # Open to anyone, with why: none of them shows or takes a site's data.
    "auth.login": ANYONE,  # the sign-in form
    "auth.set_language": ANYONE,  # the language cookie (and the signed-in user's own setting)
    "main.healthz": ANYONE,  # the load balancer's health check: {ok: true}
    "static": ANYONE,  # CSS, scripts and icons
    "api.openapi_document": ANYONE,  # the API's description, no data
    "api.session_create": ANYONE,
    "api.session_post": ANYONE,
    "api.session_pin": ("guard", "lead", "staff", "manager"),  # one's own shift PIN, with the password  # a phone registers to a post with a one-time code  # a phone signs in; it answers with the caller's own sites only
    "phone.home": ANYONE,  # the phone's offline shell: a page with no data, cached by the service worker
    "phone.screen": ANYONE,  # one phone screen's shell, no data; data comes from the API
    "phone.strings": ANYONE,  # the phone's translated strings
    "phone.rules": ANYONE,  # the rules a form is checked by: the schemas, no data
    "phone.webmanifest": ANYONE,  # the web app manifest
    "phone.service_worker": ANYONE,  # the service worker script
    # Anyone signed in: their own session, their own records through the API.
    "main.index": SIGNED_IN,  # reviewers to the dashboard, staff and leads to follow-ups, guards a home page
    "auth.logout": SIGNED_IN,
    "auth.password": SIGNED_IN,
    "api.session_show": SIGNED_IN,
    "api.session_delete": SIGNED_IN,
    "api.sync": SIGNED_IN,
    "api.photo_put": SIGNED_IN,
    "api.photo_get": SIGNED_IN,
    # The work log: one's own day for anyone (a reviewer picks anyone of their sites), and a
    # note added to one's own day through the engine; the month's attendance for reviewers.
    "worklog.day": SIGNED_IN,
    "worklog.note": SIGNED_IN,
    "worklog.attendance": REVIEW,
    # Notifications: one's own list and settings only.
    "notify.index": SIGNED_IN,
    "notify.read": SIGNED_IN,
    "notify.settings": SIGNED_IN,
    "api.notifications": SIGNED_IN,
    "api.notifications_read": SIGNED_IN,
    "api.push_key": SIGNED_IN,  # the server's public VAPID key (404 when Web Push is not set up)
    "api.push_subscribe": SIGNED_IN,  # the caller's own subscription on this device
    "api.push_unsubscribe": SIGNED_IN,
    "inspections.week": REVIEW,
    "inspections.show": REVIEW,
    "manager_reports.month": REVIEW,
    "manager_reports.show": REVIEW,
    "manager_reports.new": REVIEW,
    "manager_reports.checklist": REVIEW,
    "manager_reports.sign": REVIEW,
    # Meetings (晨会 / 周例会): reviewers read a site's month; chairs record one at the desk.
    "meetings.index": REVIEW,
    "meetings.show": REVIEW,
    "meetings.new": CHAIR,
    # The monthly service report to owners (《月度物业服务报告》): figures only, for reviewers.
    "reports.monthly_index": REVIEW,
    "reports.monthly": REVIEW,
    # The office: managers, supervisors and admins review their sites.
    "review.dashboard": REVIEW,
    "review.calendar": REVIEW,
    "review.calendar_sites": REVIEW,
    "review.search": REVIEW,
    "review.conflicts": REVIEW,
    "review.conflict": REVIEW,
    "review.conflict_accept": REVIEW,
    "review.conflict_restore": REVIEW,
    "review.devices": REVIEW,
    "review.device_revoke": ADMIN,  # an admin signs a lost phone out
    "patrols.index": REVIEW,
    "patrols.detail": REVIEW,
    "patrols.plans": REVIEW,
    "patrols.plan_edit": REVIEW,  # a manager edits the plans of their own site only
    "gate.visits": REVIEW,
    "gate.visit": REVIEW,
    "gate.reveal": REVEAL,
    "gate.lists_page": REVIEW,
    "gate.lists_import": REVIEW,
    "gate.vehicle_new": REVIEW,
    "gate.vehicle": REVIEW,
    "gate.vehicle_activate": REVIEW,
    "gate.vehicle_deactivate": REVIEW,
    "gate.watch_new": REVIEW,
    "gate.watch": REVIEW,
    "gate.watch_activate": REVIEW,
    "gate.watch_deactivate": REVIEW,
    "stock.checks": REVIEW,
    "stock.check": REVIEW,
    "stock.approve": REVIEW,  # app.stock.decisions.DECIDERS
    "stock.recount": REVIEW,
    "stock.feedback": REVIEW,  # the month's 《物资质量使用反馈单》 of one of the person's sites
    # The front desk: complaints taken, classified and answered (clerks and reviewers).
    "complaints.index": DESK,
    "complaints.detail": DESK,
    "complaints.new": DESK,
    "complaints.classify": DESK,
    "complaints.reply": DESK,
    "complaints.merge": DESK,
    "complaints.duty": DESK,
    "complaints.summary": DESK,
    "decoration.permits": DESK,
    "decoration.permit": DESK,
    "decoration.permit_new": DESK,
    "decoration.permit_edit": DESK,
    "tenants.index": DESK,
    "tenants.household_new": DESK,
    "tenants.household": DESK,
    # Repair orders: the front desk takes requests (app.office.access.may_take_requests); the
    # matrix's staff is a repair worker, refused.
    "repairs.index": DESK,
    "repairs.detail": DESK,
    "repairs.new": DESK,
    # The Monday approval: app.office.access.APPROVE_ROLES.
    "repairs.approval_page": REVIEW,
    "repairs.approve": REVIEW,
    # The follow-up desk: reviewers, and staff and team leads for their own and their team's.
    "followups.board": FOLLOWUPS,
    "followups.index": FOLLOWUPS,
    "followups.detail": FOLLOWUPS,
    "followups.act": FOLLOWUPS,
    # Administration: admins only (one gate for the blueprint, app/admin/routes.py).
    "admin.index": ADMIN,
    "admin.sites": ADMIN,
    "admin.site_new": ADMIN,
    "admin.site_edit": ADMIN,
    "admin.site_settings": ADMIN,
    "admin.buildings": ADMIN,
    "admin.building_new": ADMIN,
    "admin.building_edit": ADMIN,
    "admin.unit_new": ADMIN,
    "admin.unit_edit": ADMIN,
    "admin.units_import": ADMIN,
    "admin.checkpoints": ADMIN,
    "admin.checkpoint_new": ADMIN,
    "admin.checkpoint_edit": ADMIN,
    "admin.checkpoint_activate": ADMIN,
    "admin.checkpoint_deactivate": ADMIN,
    "admin.routes": ADMIN,
    "admin.route_new": ADMIN,
    "admin.route_edit": ADMIN,
    "admin.route_qr": ADMIN,
    "admin.stores": ADMIN,
    "admin.store_new": ADMIN,
    "admin.store": ADMIN,
    "admin.store_edit": ADMIN,
    "admin.movements": ADMIN,
    "admin.item_new": ADMIN,
    "admin.item_edit": ADMIN,
    "admin.users": ADMIN,
    "admin.audit": ADMIN,
    "admin.user_new": ADMIN,
    "admin.user_edit": ADMIN,
    "admin.user_password": ADMIN,
    "admin.user_deactivate": ADMIN,
    "admin.user_reactivate": ADMIN,
    "admin.device_revoke": ADMIN,
    "admin.posts": ADMIN,  # gate posts, their phones and people's shift PINs
    "admin.post_register": ADMIN,  # a one-time code (QR) that registers a phone to a post
    "admin.post_phone_revoke": ADMIN,
    "admin.user_pin": ADMIN,
    "admin.channels": ADMIN,  # a site's notification channels (group robots, mail)
    "admin.channel_new": ADMIN,
    "admin.channel_edit": ADMIN,
    "admin.channel_test": ADMIN,  # sends one test message on the channel
}

SITE_FILTER_ABSENT = ("admin.buildings", "admin.checkpoints", "admin.routes", "admin.stores", "admin.users",
                      "admin.checkpoint_new", "admin.route_new", "admin.store_new", "admin.units_import",
                      "admin.channels", "admin.channel_new")
