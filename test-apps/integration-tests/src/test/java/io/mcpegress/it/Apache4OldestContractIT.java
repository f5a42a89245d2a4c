package io.mcpegress.it;

/** The client contract for Apache HttpClient 4.x classic, oldest supported release (4.3). */
class Apache4OldestContractIT extends ClientContractIT {

    @Override
    String appModule() {
        return "apache4-oldest";
    }
}
