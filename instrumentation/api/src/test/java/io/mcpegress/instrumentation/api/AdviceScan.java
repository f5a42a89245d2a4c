package io.mcpegress.instrumentation.api;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For the modules' tests (shared through this module's test jar): reads an advice class file and
 * fails when it uses invokedynamic or references agent-side classes, either of which breaks once
 * the advice is inlined into a library class of another class loader.
 */
public final class AdviceScan {

    private AdviceScan() {
    }

    public static void check(String adviceClass) throws IOException {
        String resource = adviceClass.replace('.', '/') + ".class";
        List<String> problems = new ArrayList<>();
        try (InputStream in = AdviceScan.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                 String[] exceptions) {
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitInvokeDynamicInsn(String n, String d, Handle bsm, Object... args) {
                            problems.add(name + ": invokedynamic " + bsm);
                        }

                        @Override
                        public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                            agentSide(owner, name + " calls " + owner + "." + n);
                        }

                        @Override
                        public void visitFieldInsn(int opcode, String owner, String n, String d) {
                            agentSide(owner, name + " reads " + owner + "." + n);
                        }

                        private void agentSide(String owner, String what) {
                            if (owner.startsWith("io/mcpegress/") && !owner.startsWith("io/mcpegress/bootstrap/")) {
                                problems.add(what);
                            }
                        }
                    };
                }
            }, 0);
        }
        assertThat(problems).as(adviceClass).isEmpty();
    }
}
