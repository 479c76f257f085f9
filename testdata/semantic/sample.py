"""User service."""
import os
import logging as log
from dataclasses import dataclass, field
from .models import User, Role as UserRole

MAX_ATTEMPTS = 5


def retry(times):
    def decorator(fn):
        def wrapper(*args, **kwargs):
            for _ in range(times):
                result = fn(*args, **kwargs)
                if result:
                    return result
            return None
        return wrapper
    return decorator


@dataclass
class Credentials:
    username: str
    password: str = field(repr=False)


class UserService:
    default_role = "member"

    def __init__(self, store):
        self.store = store

    @retry(MAX_ATTEMPTS)
    def reset_password(self, user_id: int, new_password: str) -> bool:
        user = self.find(user_id)
        if user is None:
            return False
        user.password = hash_password(new_password)
        return self.store.save(user)

    def find(self, user_id):
        return self.store.get(User, user_id)

    class Audit:
        def record(self, event):
            log.info(event)


async def fetch_all(service: UserService):
    return [service.find(i) for i in range(10)]


def hash_password(password: str) -> str:
    return os.urandom(8).hex() + password
