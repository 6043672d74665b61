from django.db import models


class Item(models.Model):
    name = models.CharField(max_length=50)
    last_order = models.ForeignKey("shop.Order", null=True, on_delete=models.SET_NULL, related_name="+")
