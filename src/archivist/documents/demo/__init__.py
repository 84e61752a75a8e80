"""The demo: a business database shaped like Odoo's, and folder rules over it."""
