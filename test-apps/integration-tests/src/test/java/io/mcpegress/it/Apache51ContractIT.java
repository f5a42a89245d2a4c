package io.mcpegress.it;

/** The client contract for Apache HttpClient 5.1, classic and async: the oldest supported 5.x. */
class Apache51ContractIT extends ClientContractIT {

    @Override
    String appModule() {
        return "apache5-1";
    }
}
