from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    # accounts -> blog -> accounts (through AUTH_USER_MODEL): a cycle across the swapped user model.
    favourite_post = models.ForeignKey("blog.Post", null=True, blank=True, on_delete=models.SET_NULL)
