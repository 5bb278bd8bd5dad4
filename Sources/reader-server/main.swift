print("reader-server")
