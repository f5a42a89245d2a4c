package io.mcpegress.it;

/** The client contract for OkHttp 5.x (test app {@code okhttp5}, its own class path). */
class OkHttp5ContractIT extends ClientContractIT {

    @Override
    String appModule() {
        return "okhttp5";
    }
}
