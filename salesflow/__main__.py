from salesflow.cli.main import main

main()
