from django.conf import settings
from django.db import models


class Post(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    title = models.CharField(max_length=50)
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="posts")


class PostFeedback(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="feedback", on_delete=models.CASCADE)
    post = models.ForeignKey(Post, related_name="feedback", on_delete=models.CASCADE)
