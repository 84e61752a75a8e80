"""Fleet: one dashboard over many Odoo databases (issue 5)."""
