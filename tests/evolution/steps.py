"""The example project's models, evolved one step at a time, as a team would between releases.

Each step is a few textual edits of ``polls/models.py`` and ``blog/models.py`` in a copy of the example.
Together they cover what `migrate diff` must follow: fields added, dropped and altered (type, max_length,
null, database default), ``Meta.indexes`` added and removed, unique and check constraints, a foreign key,
a many-to-many field, a model added, a model dropped (one that holds foreign keys) and a changed
``db_table`` (of a table a many-to-many table refers to, so that its keys must follow).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

POLLS = "polls/models.py"
BLOG = "blog/models.py"


@dataclass
class Edit:
    path: str
    old: str
    new: str

    def apply(self, project: Path) -> None:
        path = project / self.path
        text = path.read_text()
        assert text.count(self.old) == 1, f"{self.old!r} is not once in {self.path}"
        path.write_text(text.replace(self.old, self.new))


@dataclass
class Step:
    name: str
    """Also the migration file's name: ``<version>_<name>.sql``."""
    edits: list[Edit]

    def apply(self, project: Path) -> None:
        for edit in self.edits:
            edit.apply(project)


PUBLISHED_ON = "    published_on = models.DateTimeField(null=True, blank=True)\n"
POST_META = """
    class Meta:
        indexes = [
            models.Index(fields=["title"], name="post_title_idx"),
            models.Index(fields=["-published_on", "slug"], name="post_recent_idx"),
        ]
"""
CHOICE_META = """
    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "choice_text"], name="choice_unique_text"),
            models.CheckConstraint(condition=models.Q(votes__gte=0), name="choice_votes_gte_0"),
        ]
"""


def _after_published_on(line: str) -> Edit:
    """A new Post field, written before Post's Meta."""
    return Edit(BLOG, PUBLISHED_ON, PUBLISHED_ON + line)


STEPS: list[Step] = [
    Step(
        "add_fields",
        [
            Edit(
                POLLS,
                '    pub_date = models.DateTimeField("date published")\n',
                '    pub_date = models.DateTimeField("date published")\n'
                "    question_type = models.CharField(max_length=20, null=True)\n",
            ),
            Edit(
                POLLS,
                "    votes = models.IntegerField(default=0)\n",
                "    votes = models.IntegerField(default=0)\n"
                "    rank = models.PositiveSmallIntegerField(db_default=0)\n",
            ),
        ],
    ),
    Step(
        "alter_fields",
        [
            # max_length, then type and database default, then null.
            Edit(
                POLLS,
                "question_text = models.CharField(max_length=200)",
                "question_text = models.CharField(max_length=300)",
            ),
            Edit(
                POLLS,
                "votes = models.IntegerField(default=0)",
                "votes = models.BigIntegerField(db_default=0)",
            ),
            Edit(
                BLOG,
                "    title = models.CharField(max_length=50)\n",
                "    title = models.CharField(max_length=80, null=True)\n",
            ),
        ],
    ),
    Step("add_indexes", [Edit(BLOG, PUBLISHED_ON, PUBLISHED_ON + POST_META)]),
    Step(
        "add_constraints",
        [
            Edit(
                POLLS,
                "    rank = models.PositiveSmallIntegerField(db_default=0)\n",
                "    rank = models.PositiveSmallIntegerField(db_default=0)\n" + CHOICE_META,
            )
        ],
    ),
    Step(
        "add_model",
        [
            Edit(
                BLOG,
                "class FeedbackOption(models.Model):\n",
                "class Tag(models.Model):\n"
                "    name = models.CharField(max_length=40, unique=True)\n"
                "\n"
                "\n"
                "class FeedbackOption(models.Model):\n",
            )
        ],
    ),
    Step(
        "add_fk",
        [
            _after_published_on(
                "    author = models.ForeignKey(\n"
                "        settings.AUTH_USER_MODEL, null=True, related_name='posts',\n"
                "        on_delete=models.SET_NULL,\n"
                "    )\n"
            )
        ],
    ),
    Step(
        "add_m2m",
        [_after_published_on('    tags = models.ManyToManyField("Tag", related_name="posts", blank=True)\n')],
    ),
    Step(
        "remove_index",
        [Edit(BLOG, '            models.Index(fields=["title"], name="post_title_idx"),\n', "")],
    ),
    Step(
        "drop_fields",
        [
            Edit(BLOG, "    body = models.TextField()\n", ""),
            Edit(POLLS, "    question_type = models.CharField(max_length=20, null=True)\n", ""),
        ],
    ),
    Step(
        "drop_model",
        [
            Edit(
                BLOG,
                "\n\nclass PostFeedback(models.Model):\n"
                '    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="feedback", '
                "on_delete=models.CASCADE)\n"
                '    post = models.ForeignKey("Post", related_name="feedback", on_delete=models.CASCADE)\n'
                '    option = models.ForeignKey("FeedbackOption", related_name="feedback", '
                "on_delete=models.CASCADE)\n",
                "",
            )
        ],
    ),
    Step(
        "rename_table",
        [
            Edit(
                BLOG,
                "    name = models.CharField(max_length=40, unique=True)\n",
                "    name = models.CharField(max_length=40, unique=True)\n"
                "\n"
                "    class Meta:\n"
                "        db_table = 'blog_tags'\n",
            )
        ],
    ),
]
