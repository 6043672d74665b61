from django.db import models


class Question(models.Model):
    question_text = models.CharField(max_length=200)
    # Not in polls/migrations yet: the provider must add what makemigrations would.
    question_type = models.CharField(max_length=20, null=True)
    pub_date = models.DateTimeField("date published")


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE)
    choice_text = models.CharField(max_length=200)
    votes = models.IntegerField(default=0)
