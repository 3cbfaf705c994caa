"""The in-memory store keeps the store contract."""
from sync.testing import StoreContract
from sync.testing import memory_store


class TestMemoryStore(StoreContract):
    def make_store(self, world):
        return memory_store(world)
