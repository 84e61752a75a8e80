"""Routes for shares: managing them, and visiting them by token or as a portal user."""

urlpatterns: list[object] = []
