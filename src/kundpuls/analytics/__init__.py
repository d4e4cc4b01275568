"""The response lake (Parquet) and the engines that query it (DuckDB, Spark). No Django."""
