"""SAS XPORT v5: read and write a Dataset."""
