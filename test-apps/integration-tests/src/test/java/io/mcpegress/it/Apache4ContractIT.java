package io.mcpegress.it;

/** The client contract for Apache HttpClient 4.x classic, newest release. */
class Apache4ContractIT extends ClientContractIT {

    @Override
    String appModule() {
        return "apache4";
    }
}
