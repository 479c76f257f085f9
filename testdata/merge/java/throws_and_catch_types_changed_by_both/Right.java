class Loader {
    void load() throws IOException, TimeoutException {
        try {
            read();
        } catch (IllegalStateException | IllegalArgumentException | NullPointerException e) {
            log(e);
        }
    }
}
