"""Admin registrations with search and list filters."""

from django.contrib import admin

from .models import Author, Book, Review


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "email"]
    search_fields = ["name"]
    list_filter = ["born"]


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "pages", "price", "published"]
    search_fields = ["title", "author__name"]
    list_filter = ["published", "author"]
    list_select_related = ["author"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["book", "stars"]
    search_fields = ["body"]
    list_filter = ["stars"]
