"""Layouts: how a municipality's own survey workbook maps onto the inventory's task fields."""
