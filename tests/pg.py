"""PostgreSQL helpers shared by the tests and the benchmarks."""
import sqlalchemy as sa


def psycopg_url(url: str) -> str:
    """``postgresql://…`` as SQLAlchemy's psycopg 3 dialect spells it."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def ensure_database(url: str) -> None:
    """Create the database ``url`` names if it is missing, so nothing needs setting up by hand."""
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                             {"n": target.database})
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
