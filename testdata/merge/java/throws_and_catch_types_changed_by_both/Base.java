class Loader {
    void load() throws IOException {
        try {
            read();
        } catch (IllegalStateException | IllegalArgumentException e) {
            log(e);
        }
    }
}
