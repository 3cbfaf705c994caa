"""The sample world of ``sync.testing`` written as rows, so the SQL store can be tested like the memory one."""
from decimal import Decimal

from app.extensions import db
from app.models import Checkpoint
from app.models import Company
from app.models import Item
from app.models import Route
from app.models import Site
from app.models import StockMovement
from app.models import Store
from app.models import User
from sync.testing import wid
from sync.testing import World
from tests.factories import password_hash


def load_world(world: World) -> None:
    """Insert the world's reference rows with the world's own ids, and commit."""
    company = Company(name="测试物业")
    db.session.add(company)
    db.session.flush()
    for site in world.sites:
        db.session.add(Site(id=site.id, company_id=company.id, name=world.site_names[site.id],
                            code=world.site_names[site.id], timezone=site.timezone,
                            settings=dict(site.settings)))
    db.session.flush()
    sites = {s.id: db.session.get(Site, s.id) for s in world.sites}
    for ref in world.users:
        user = User(id=ref.id, company_id=company.id, username=world.usernames[ref.id],
                    display_name=world.usernames[ref.id], role=ref.role, post=ref.post,
                    is_team_lead=ref.is_team_lead, active=ref.active, password_hash=password_hash())
        user.sites = [sites[s] for s in ref.site_ids]
        db.session.add(user)
    for cp in world.checkpoints:
        db.session.add(Checkpoint(id=cp["id"], site_id=cp["site_id"], name=cp["name"], code=cp["code"]))
    db.session.flush()
    for route in world.routes:
        row = Route(id=route["id"], site_id=route["site_id"], name=route["name"])
        row.set_checkpoints(route["checkpoint_ids"])
        db.session.add(row)
    for store in world.stores:
        db.session.add(Store(id=store["id"], site_id=store["site_id"], name=store["name"]))
    db.session.flush()
    for item in world.items:
        db.session.add(Item(id=item["id"], site_id=item["site_id"], store_id=item["store_id"],
                            name=item["name"], tolerance=item["tolerance"]))
    db.session.flush()
    site_of = {i["id"]: i["site_id"] for i in world.items}
    for n, (item_id, qty, at) in enumerate(world.movements):
        # A fixed id, so that two loads of the world compare equal now that the engine
        # writes movements too (kind ``stock_movement``).
        db.session.add(StockMovement(id=wid(f"movement:{n}"), site_id=site_of[item_id], item_id=item_id,
                                     direction="in" if qty >= 0 else "out", quantity=abs(Decimal(qty)),
                                     occurred_at=at, reference=f"W-{n}"))
    db.session.commit()
