package io.mcpegress.it;

/** The client contract for Apache HttpClient 5.x, classic and async, newest release. */
class Apache5LatestContractIT extends ClientContractIT {

    @Override
    String appModule() {
        return "apache5-latest";
    }
}
