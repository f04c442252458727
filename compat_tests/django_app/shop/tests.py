"""Django's own test runner against kuzugres: every TestCase test runs in an atomic()
block rolled back at its end, and assertRaises(IntegrityError) in a nested one."""

from django.db import IntegrityError, transaction
from django.test import TestCase

from shop.models import Author, Book


class AuthorTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.author = Author.objects.create(name="Test Author")
        Book.objects.create(title="First", author=cls.author, pages=10)

    def test_create_and_count(self) -> None:
        Book.objects.create(title="Second", author=self.author, pages=20)
        self.assertEqual(self.author.books.count(), 2)

    def test_unique_violation_rolls_back_alone(self) -> None:
        with self.assertRaises(IntegrityError), transaction.atomic():
            Author.objects.create(name="Test Author")
        Author.objects.create(name="Another Author")
        self.assertEqual(Author.objects.filter(name__endswith="Author").count(), 2)

    def test_each_test_starts_from_setup_data(self) -> None:
        self.assertEqual(Book.objects.filter(author=self.author).count(), 1)
        self.assertFalse(Author.objects.filter(name="Another Author").exists())
