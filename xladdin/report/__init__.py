"""The report: table layouts, the render plan, the template and text output."""
