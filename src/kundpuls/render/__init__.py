"""Result contracts to charts (SVG), HTML fragments, PDF and XLSX."""
