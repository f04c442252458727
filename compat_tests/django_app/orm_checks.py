"""ORM and admin checks; prints one JSON line per check (name, result).

Run after `manage.py migrate` against a fresh database, with DJANGO_DB_PORT set.
The test compares this output between kuzugres and PostgreSQL 15, and checks
selected values directly.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import sys
from decimal import Decimal
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import IntegrityError, connection, transaction  # noqa: E402
from django.db.models import Avg, Count, F, Max, Q, Sum, Value  # noqa: E402
from django.db.models.functions import Coalesce, Lower  # noqa: E402
from django.test import Client  # noqa: E402
from shop.models import Author, Book, Review  # noqa: E402


def plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    return v


def out(name: str, value: Any) -> None:
    print(json.dumps({"check": name, "result": plain(value)}, sort_keys=True), flush=True)


# --- CRUD -------------------------------------------------------------------------------
ann = Author.objects.create(
    name="Ann Leckie", email="ann@example.com", born=datetime.date(1966, 3, 2)
)
ted = Author.objects.create(name="Ted Chiang", born=datetime.date(1967, 10, 20))
ursula = Author(name="Ursula Le Guin")
ursula.save()
out("author_ids", [ann.pk, ted.pk, ursula.pk])

Book.objects.bulk_create(
    [
        Book(
            title="Ancillary Justice", author=ann, pages=386, price=Decimal("15.99"), published=True
        ),
        Book(
            title="Ancillary Sword", author=ann, pages=356, price=Decimal("14.50"), published=True
        ),
        Book(title="Provenance", author=ann, pages=448, price=Decimal("17.00")),
        Book(title="Exhalation", author=ted, pages=352, price=Decimal("12.25"), published=True),
        Book(
            title="The Dispossessed",
            author=ursula,
            pages=387,
            price=Decimal("9.99"),
            published=True,
        ),
    ]
)
books = {b.title: b for b in Book.objects.all()}
out("bulk_create_ids", sorted(b.pk for b in books.values()))
for title, stars in [
    ("Ancillary Justice", 5),
    ("Ancillary Justice", 4),
    ("Ancillary Sword", 4),
    ("Exhalation", 5),
    ("Exhalation", 5),
    ("Exhalation", 3),
]:
    Review.objects.create(book=books[title], stars=stars, body=f"{title} gets {stars}")

b = Book.objects.get(title="Provenance")
b.pages = 450
b.save()
out("update_save", Book.objects.get(pk=b.pk).pages)
out("update_qs", Book.objects.filter(author=ann).update(price=F("price") + 1))
out("prices_after_f", list(Book.objects.order_by("title").values_list("title", "price")))
tmp = Author.objects.create(name="Temporary")
out("delete", tmp.delete())


# --- filters ----------------------------------------------------------------------------
def titles(qs: Any) -> list[str]:
    return sorted(qs.values_list("title", flat=True))


out("exact", titles(Book.objects.filter(title="Exhalation")))
out("iexact", titles(Book.objects.filter(title__iexact="exhalation")))
out("icontains", titles(Book.objects.filter(title__icontains="ANCILL")))
out("startswith", titles(Book.objects.filter(title__startswith="The")))
out("endswith", titles(Book.objects.filter(title__iendswith="SWORD")))
out("gt", titles(Book.objects.filter(pages__gt=386)))
out("lte", titles(Book.objects.filter(price__lte=Decimal("15.50"))))
out("range", titles(Book.objects.filter(pages__range=(350, 387))))
out("in", titles(Book.objects.filter(pk__in=[books["Exhalation"].pk, books["Provenance"].pk])))
out("isnull_true", sorted(Author.objects.filter(email__isnull=True).values_list("name", flat=True)))
out(
    "isnull_false",
    sorted(Author.objects.filter(email__isnull=False).values_list("name", flat=True)),
)
out("fk_name", titles(Book.objects.filter(author__name="Ted Chiang")))
out("fk_icontains", titles(Book.objects.filter(author__name__icontains="le")))
out(
    "reverse_fk",
    sorted(
        Author.objects.filter(books__reviews__stars=5).distinct().values_list("name", flat=True)
    ),
)
out(
    "two_hops",
    sorted(Review.objects.filter(book__author__born__year=1967).values_list("stars", flat=True)),
)
out("q_or", titles(Book.objects.filter(Q(pages__lt=355) | Q(title__contains="Sword"))))
out("exclude", titles(Book.objects.exclude(author=ann)))
out("date_year", sorted(Author.objects.filter(born__year__gte=1967).values_list("name", flat=True)))
out("regex", titles(Book.objects.filter(title__regex=r"^A.*e$")))
out("exists", Book.objects.filter(pages__gt=1000).exists())
out("count", Book.objects.count())
out(
    "first_last",
    [Book.objects.order_by("pages").first().title, Book.objects.order_by("pages").last().title],
)
out(
    "values_in_subquery",
    titles(Book.objects.filter(author__in=Author.objects.filter(name__startswith="U"))),
)

# --- annotations and aggregates ---------------------------------------------------------
out(
    "annotate_count",
    list(Author.objects.annotate(n=Count("books")).order_by("name").values_list("name", "n")),
)
out(
    "annotate_sum_avg",
    [
        (a.name, a.pages, None if a.avg_price is None else str(round(a.avg_price, 2)))
        for a in Author.objects.annotate(
            pages=Sum("books__pages"), avg_price=Avg("books__price")
        ).order_by("name")
    ],
)
out(
    "annotate_review_stats",
    list(
        Book.objects.annotate(
            n=Count("reviews"), best=Max("reviews__stars"), avg=Avg("reviews__stars")
        )
        .filter(n__gt=0)
        .order_by("-n", "title")
        .values_list("title", "n", "best")
    ),
)
out(
    "annotate_f",
    list(
        Book.objects.annotate(per_page=F("price") * 100 / F("pages"))
        .order_by("title")
        .values_list("title", "pages")
    ),
)
out("f_filter", titles(Book.objects.filter(pages__gt=F("author__books__pages") - 1).distinct()))
out(
    "aggregate",
    Book.objects.aggregate(total=Sum("pages"), avg=Avg("pages"), n=Count("id"), mx=Max("price")),
)
out(
    "values_group",
    list(
        Book.objects.values("published")
        .annotate(n=Count("id"), pages=Sum("pages"))
        .order_by("published")
    ),
)
out(
    "coalesce_lower",
    list(
        Author.objects.annotate(e=Coalesce("email", Value("-")), l=Lower("name"))
        .order_by("l")
        .values_list("l", "e")
    ),
)
out(
    "conditional_count",
    Author.objects.aggregate(n5=Count("books__reviews", filter=Q(books__reviews__stars=5))),
)

# --- select_related / prefetch_related ---------------------------------------------------
with_sel = [
    (r.book.title, r.book.author.name, r.stars)
    for r in Review.objects.select_related("book__author").order_by("book__title", "-stars")
]
out("select_related", with_sel)
pref = [
    (
        a.name,
        sorted(b.title for b in a.books.all()),
        sorted(r.stars for b in a.books.all() for r in b.reviews.all()),
    )
    for a in Author.objects.prefetch_related("books__reviews").order_by("name")
]
out("prefetch_related", pref)

# QuerySet.iterator() reads through a server-side cursor (DECLARE ... WITH HOLD / FETCH)
out("iterator", [b.title for b in Book.objects.order_by("title").iterator(chunk_size=2)])
with transaction.atomic():
    out(
        "iterator_in_atomic",
        list(Author.objects.values_list("name", flat=True).iterator(chunk_size=1)),
    )

# --- ordering and slicing ---------------------------------------------------------------
out("order_desc", list(Book.objects.order_by("-pages").values_list("title", flat=True)))
out(
    "order_fk",
    list(Book.objects.order_by("author__name", "-price").values_list("title", flat=True)),
)
out("slice", list(Book.objects.order_by("title").values_list("title", flat=True)[1:3]))
out("slice_page2", list(Book.objects.order_by("title").values_list("title", flat=True)[2:4]))
out(
    "nulls_last",
    list(
        Author.objects.order_by(F("email").asc(nulls_last=True), "name").values_list(
            "name", flat=True
        )
    ),
)

# --- transactions -----------------------------------------------------------------------
try:
    with transaction.atomic():
        Author.objects.create(name="Rolled Back")
        raise RuntimeError("abort")
except RuntimeError:
    pass
out("atomic_rollback", Author.objects.filter(name="Rolled Back").exists())
with transaction.atomic():
    Author.objects.create(name="Committed")
out("atomic_commit", Author.objects.filter(name="Committed").exists())
try:
    with transaction.atomic():
        Author.objects.create(name="Ann Leckie")
except IntegrityError as exc:
    out("unique_violation", type(exc).__name__)

# a nested atomic block (a savepoint) whose first write fails, then the outer block goes on
with transaction.atomic():
    try:
        with transaction.atomic():
            Author.objects.create(name="Ann Leckie")
    except IntegrityError:
        pass
    Author.objects.create(name="After Savepoint")
out("savepoint_rollback_first_write", Author.objects.filter(name="After Savepoint").count())
Author.objects.filter(name="After Savepoint").delete()

# nested atomic blocks after the outer block wrote: each inner one rolls back alone
NESTED = ["Outer Write", "Inner Failed", "Inner Rolled Back", "Inner Kept", "Outer Again"]
with transaction.atomic():
    Author.objects.create(name="Outer Write")
    try:
        with transaction.atomic():
            Author.objects.create(name="Inner Failed")
            Author.objects.create(name="Ann Leckie")
    except IntegrityError:
        pass
    try:
        with transaction.atomic():
            Author.objects.filter(name="Outer Write").update(name="Renamed In Inner")
            Author.objects.create(name="Inner Rolled Back")
            raise RuntimeError("abort")
    except RuntimeError:
        pass
    with transaction.atomic():
        Author.objects.create(name="Inner Kept")
    Author.objects.create(name="Outer Again")
out(
    "nested_atomic_after_write",
    sorted(Author.objects.filter(name__in=NESTED).values_list("name", flat=True)),
)
Author.objects.filter(name__in=NESTED).delete()

# --- get_or_create / update_or_create ---------------------------------------------------
a1, created1 = Author.objects.get_or_create(name="Ted Chiang")
a2, created2 = Author.objects.get_or_create(
    name="N. K. Jemisin", defaults={"email": "nk@example.com"}
)
out("get_or_create", [a1.name, created1, a2.email, created2])
a3, created3 = Author.objects.update_or_create(
    name="N. K. Jemisin", defaults={"email": "nkj@example.com"}
)
a4, created4 = Author.objects.update_or_create(
    name="Octavia Butler", defaults={"born": datetime.date(1947, 6, 22)}
)
out("update_or_create", [a3.email, created3, a4.name, created4])
out("authors", list(Author.objects.values_list("name", flat=True)))

# --- admin --------------------------------------------------------------------------------
User.objects.create_superuser("admin", "admin@example.com", "pw")
client = Client()
assert client.login(username="admin", password="pw")


def page(url: str) -> tuple[int, list[str]]:
    r = client.get(url)
    body = r.content.decode()
    # the rows of the changelist (links to change forms), or the form's inputs' values
    found = re.findall(r'<th class="field-[a-z_]+[^"]*"><a href="[^"]+">([^<]*)</a>', body)
    return r.status_code, found


out("admin_index", client.get("/admin/").status_code)
out("admin_book_list", page("/admin/shop/book/"))
out("admin_book_search", page("/admin/shop/book/?q=ancillary"))
out("admin_book_search_fk", page("/admin/shop/book/?q=chiang"))
out("admin_book_filter", page(f"/admin/shop/book/?published__exact=1&author__id__exact={ann.pk}"))
out("admin_book_filter_search", page("/admin/shop/book/?published__exact=0&q=prov"))
out("admin_author_list", page("/admin/shop/author/?o=1"))
out("admin_author_search", page("/admin/shop/author/?q=ted"))
out("admin_author_filter", page("/admin/shop/author/?born__isnull=True"))
out("admin_review_list", page("/admin/shop/review/?stars__exact=5"))
out("admin_review_search", page("/admin/shop/review/?q=sword"))
r = client.get(f"/admin/shop/book/{books['Exhalation'].pk}/change/")
out(
    "admin_change_form",
    [r.status_code, 'value="Exhalation"' in r.content.decode(), "Ted Chiang" in r.content.decode()],
)
r = client.post(
    f"/admin/shop/author/{ted.pk}/change/",
    {"name": "Ted Chiang", "email": "ted@example.com", "born": "1967-10-20"},
)
out("admin_change_post", [r.status_code, Author.objects.get(pk=ted.pk).email])
out(
    "admin_log",
    list(connection.cursor().execute("SELECT count(*) FROM django_admin_log").fetchall()),
)
out("admin_history", client.get(f"/admin/shop/author/{ted.pk}/history/").status_code)
