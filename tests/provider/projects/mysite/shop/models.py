from django.db import models


class Order(models.Model):
    # shop -> inventory -> shop: a cross-app cycle the plan must split without losing a column.
    item = models.ForeignKey("inventory.Item", on_delete=models.CASCADE, related_name="orders")
    quantity = models.PositiveIntegerField(default=1)
