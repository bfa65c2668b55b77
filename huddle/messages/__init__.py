"""Message catalogue, one module per area; merged by huddle.i18n."""
