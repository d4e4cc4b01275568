from kundpuls.cli.main import main

main()
