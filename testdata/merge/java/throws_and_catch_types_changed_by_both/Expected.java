class Loader {
    void load() throws IOException, ParseException, TimeoutException {
        try {
            read();
        } catch (IllegalStateException | NullPointerException e) {
            log(e);
        }
    }
}
