class Loader {
    void load() throws IOException, ParseException {
        try {
            read();
        } catch (IllegalStateException e) {
            log(e);
        }
    }
}
